"""Outbox states and mail template codes."""

from __future__ import annotations

from enum import StrEnum


class MailStatus(StrEnum):
    DRAFT = "draft"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class MailCode(StrEnum):
    ACCOUNT_CREATED = "account_created"
    ACTIVATION_RESENT = "activation_resent"
    PASSWORD_RESET = "password_reset"
    LOGIN_REMINDER = "login_reminder"
    EMAIL_CHANGE = "email_change"
    EMAIL_CHANGED_NOTICE = "email_changed_notice"
    APPLICATION_CREATED = "application_created"
    APPLICATION_CANCELLED = "application_cancelled"
    APPLICATION_TRANSMITTED = "application_transmitted"
    APPLICATION_CONFIRMED = "application_confirmed"
    APPLICATION_WITHDRAWN = "application_withdrawn"
    APPLICATION_AUTO_WITHDRAWN = "application_auto_withdrawn"
    RETURN_REMINDER = "return_reminder"
    ANSWER_REMINDER = "answer_reminder"
    RETENTION_WARNING = "retention_warning"
    DATA_EXPORT_READY = "data_export_ready"
    ACCOUNT_DELETED = "account_deleted"
    DATA_REQUEST = "data_request"
    STATUS_INCOMPLETE = "status_incomplete"
    STATUS_COMPLETE = "status_complete"
    PIECE_REFUSED = "piece_refused"
    DECISION_FA = "decision_fa"
    DECISION_DE = "decision_de"
    DECISION_LA = "decision_la"
    DECISION_LC = "decision_lc"
    DECISION_PR = "decision_pr"
    COMMISSION_TRANSMISSION = "commission_transmission"
    COMMISSION_CANCELLATION = "commission_cancellation"
    COMMISSION_WITHDRAWAL = "commission_withdrawal"
    COMMISSION_PROMOTION = "commission_promotion"
    STAFF_ACTIVATION = "staff_activation"
    STAFF_PASSWORD_RESET = "staff_password_reset"
    DEV_TEST = "dev_test"
