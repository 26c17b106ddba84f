"""The demo data: the guide's campaign and offer, staff logins, demo students."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime

import pytest
from piccolo.apps.user.tables import BaseUser

from app.accounts.passwords import verify_password
from app.backoffice.staff_members import StaffError, upsert_staff_user
from app.demo.data import DEMO_STUDENTS_PATH, demo_students
from app.demo.seed import load_demo_data
from app.refdata.load import DATA_DIR, load_reference_data
from app.review.identity import authenticate_staff, load_staff_member
from app.review.scope import application_in_scope, may_decide, may_process
from app.tables.accounts import CandidateAccount
from app.tables.applications import Application, SubmittedPiece
from app.tables.backoffice import StaffCentre, StaffCommission, StaffProfile
from app.tables.catalog import (
    Campaign,
    Centre,
    Commission,
    DecisionType,
    Programme,
    ProgrammePiece,
    RefusalReason,
    RequiredPiece,
)
from app.tables.refdata import BacMention, BacSerie, Commune, Country, Departement, Lycee
from tests.factories import make_campaign, make_centre

MED = "GESTION CESURE MEDECINE DE LA 2E A LA 6E ANNEE"
OFFER = {
    "DEMANDE DE CESURE - DOCTORAT SCIENCES": ["GESTION CESURE DOCTORAT SCIENCES (ANNEE)"],
    "DEMANDE DE CESURE - FACULTE DE SANTE - DEPARTEMENT D'ODONTOLOGIE": [
        "GESTION CESURE ODONTOLOGIE (ANNEE)"
    ],
    "DEMANDE DE CESURE - FACULTE DE SANTE - DEPARTEMENT DES SCIENCES PHARMACEUTIQUES": [
        "GESTION CESURE SCIENCES PHARMACEUTIQUES (ANNEE)"
    ],
    "DEMANDE DE CESURE - FACULTE DE SANTE - DEPARTEMENT MMP - FORMATIONS PARAMEDICALES": [
        "GESTION CESURE FORMATIONS PARAMEDICALES (ANNEE)"
    ],
    "DEMANDE DE CESURE - FACULTE DE SANTE - DEPARTEMENT MMP - MEDECINE": [
        f"{MED} A L'ETRANGER (ANNEE)",
        f"{MED} A L'ETRANGER (SEMESTRE 1)",
        f"{MED} EN FRANCE (ANNEE)",
        f"{MED} EN FRANCE (SEMESTRE 1)",
    ],
    "DEMANDE DE CESURE - FACULTE DES SCIENCES DU SPORT ET DU MOUVEMENT HUMAIN (F2SMH)": [
        "GESTION CESURE F2SMH DE LA L2 AU M2 A L'ETRANGER (ANNEE)"
    ],
    "DEMANDE DE CESURE - FACULTE SCIENCES ET INGENIERIE (FSI)": ["GESTION CESURE FSI L1 (ANNEE)"],
    "DEMANDE DE CESURE - IUT": ["GESTION CESURE IUT (ANNEE)"],
}
PIECE_LABELS = [
    "Copie de la pièce d'identité",
    "CURRICULUM VITAE",
    "Fiche de renseignements administratifs",
    "CAPTURE D'ECRAN : COCHE CESURE SUR PARCOURSUP - MON MASTER",
    "JUSTIFICATIFS DES PROJETS DE CESURE",
    "LETTRE DE MOTIVATION",
]
DEMO_TABLES = [
    Campaign,
    Centre,
    Commission,
    Programme,
    RequiredPiece,
    ProgrammePiece,
    DecisionType,
    RefusalReason,
    BaseUser,
    StaffProfile,
    StaffCentre,
    StaffCommission,
]
BEA_KEYS = "ABCDEFGHJKLMNPRSTUVWXYZ"


async def _row_counts() -> dict[str, int]:
    return {table._meta.tablename: await table.count() for table in DEMO_TABLES}


async def test_campaign_of_the_guide(clock):
    await load_demo_data()
    campaigns = await Campaign.select()
    assert len(campaigns) == 1
    campaign = campaigns[0]
    assert {k: campaign[k] for k in ("code", "label_fr", "label_en", "academic_year")} == {
        "code": "CESURE2026",
        "label_fr": "Campagne eCesure 2026/2027",
        "label_en": "eCesure campaign 2026/2027",
        "academic_year": "2026/2027",
    }
    assert campaign["active"] is True
    programme = await Programme.select().first()
    assert campaign["start_date"] <= programme["deposit_start"]
    assert programme["confirmation_date"] <= campaign["end_date"]


async def test_centres_commissions_and_programmes_are_the_guides():
    await load_demo_data()
    centres = await Centre.select().order_by(Centre.position)
    assert [c["label"] for c in centres] == list(OFFER)
    for centre in centres:
        assert (centre["address_lines"], centre["postal_code"], centre["city"]) == (
            "118 route de Narbonne",
            "31062",
            "TOULOUSE",
        )
        commissions = await Commission.select().where(Commission.centre == centre["id"])
        assert [c["label"] for c in commissions] == [centre["label"]]
        commission = commissions[0]
        assert (commission["address_lines"], commission["postal_code"], commission["city"]) == (
            "118 route de Narbonne",
            "31062",
            "TOULOUSE",
        )
        programmes = (
            await Programme.select()
            .where(Programme.commission == commission["id"])
            .order_by(Programme.id)
        )
        assert [p["label"] for p in programmes] == OFFER[centre["label"]]
        for programme in programmes:
            assert programme["online_documents"] is True
            assert programme["processing_type"] == "AC"
            assert programme["group_label"] == "DEMANDE DE CESURE"
            assert programme["active"] is True


async def test_every_programme_asks_for_the_six_pieces():
    await load_demo_data()
    pieces = await RequiredPiece.select().order_by(RequiredPiece.position)
    assert [p["label_fr"] for p in pieces] == PIECE_LABELS
    assert [p["code"] for p in pieces if p["common"]] == ["IDENTITE", "CV"]
    assert [p["code"] for p in pieces if p["conditional"]] == ["PARCOURSUP"]
    links = await ProgrammePiece.select(
        ProgrammePiece.programme.label, ProgrammePiece.piece.label_fr
    )
    by_programme: dict[str, set[str]] = {}
    for link in links:
        by_programme.setdefault(link["programme.label"], set()).add(link["piece.label_fr"])
    assert len(by_programme) == 11
    assert all(labels == set(PIECE_LABELS) for labels in by_programme.values())


async def test_decision_types_and_refusal_reasons():
    await load_demo_data()
    types = await DecisionType.select(DecisionType.verdict, DecisionType.label_fr)
    assert sorted((t["verdict"], t["label_fr"]) for t in types) == [
        ("DE", "Avis défavorable"),
        ("FA", "Avis favorable"),
        ("LA", "Liste d'attente"),
        ("LC", "Liste complémentaire"),
        ("PR", "Présélection"),
    ]
    assert all(t["label_en"] for t in await DecisionType.select(DecisionType.label_en))
    assert await RefusalReason.count() == 4


async def test_second_run_creates_nothing(clock):
    first = await load_demo_data()
    counts = await _row_counts()
    second = await load_demo_data()
    assert await _row_counts() == counts
    assert counts["programme"] == 11 and counts["programme_piece"] == 66
    assert first.created["programme"] == 11
    assert (dict(second.created), dict(second.updated)) == ({}, {})


async def test_dev_dates_follow_today_and_guide_dates_replace_them(clock):
    clock.move_to(datetime(2026, 3, 10, 8, 0, tzinfo=UTC))
    summary = await load_demo_data()
    programme = await Programme.select().first()
    assert (programme["deposit_start"], programme["deposit_end"]) == (
        date(2026, 3, 3),
        date(2026, 4, 7),
    )
    assert programme["return_date"] == date(2026, 4, 14)
    assert summary.dates.deposit_start == date(2026, 3, 3)
    counts = await _row_counts()

    await load_demo_data(guide_dates=True)
    assert await _row_counts() == counts
    dates = await Programme.select(
        Programme.deposit_start, Programme.deposit_end, Programme.return_date
    ).where(Programme.active.eq(True))
    assert {tuple(d.values()) for d in dates} == {
        (date(2026, 6, 1), date(2026, 7, 1), date(2026, 7, 1))
    }
    assert len(dates) == 11


async def test_the_demo_campaign_takes_over_an_active_campaign():
    await make_campaign(code="OLD", active=True)
    await load_demo_data()
    active = await Campaign.select(Campaign.code).where(Campaign.active.eq(True))
    assert active == [{"code": "CESURE2026"}]


async def test_staff_logins_roles_and_scopes():
    summary = await load_demo_data()
    assert [(s.username, s.password) for s in summary.staff] == [
        ("admin", "Admin-ecesure-2026"),
        ("scolarite", "Scolarite-ecesure-2026"),
        ("gestionnaire", "Gestion-ecesure-2026"),
        ("commission", "Commission-ecesure-2026"),
    ]
    for staff in summary.staff:
        assert await BaseUser.login(staff.username, staff.password) is not None
    assert await BaseUser.login("admin", "wrong-password") is None
    users = {
        u["username"]: u
        for u in await BaseUser.select(
            BaseUser.username, BaseUser.active, BaseUser.admin, BaseUser.superuser
        )
    }
    assert {name: (u["active"], u["admin"], u["superuser"]) for name, u in users.items()} == {
        "admin": (True, True, True),
        "scolarite": (True, True, False),
        # Centre managers and commission members never enter the admin (defect 2).
        "gestionnaire": (True, False, False),
        "commission": (True, False, False),
    }
    profiles = await StaffProfile.select(StaffProfile.user.username, StaffProfile.role)
    assert {p["user.username"]: p["role"] for p in profiles} == {
        "admin": "admin",
        "scolarite": "central",
        "gestionnaire": "centre",
        "commission": "commission",
    }
    centres = await StaffCentre.select(
        StaffCentre.staff.user.username, StaffCentre.centre.code, StaffCentre.centre.label
    )
    assert [(c["staff.user.username"], c["centre.code"]) for c in centres] == [
        ("gestionnaire", "SANTE-MED")
    ]
    assert centres[0]["centre.label"].endswith("DEPARTEMENT MMP - MEDECINE")
    commissions = await StaffCommission.select(
        StaffCommission.staff.user.username, StaffCommission.commission.code
    )
    assert [(c["staff.user.username"], c["commission.code"]) for c in commissions] == [
        ("commission", "SANTE-MED")
    ]


async def test_upsert_staff_user_updates_in_place():
    await load_demo_data()
    result = await upsert_staff_user(
        username="gestionnaire",
        email="Gestion.Medecine@Univ-Toulouse.example",
        password="Nouveau-mot-2026",
        role="centre",
        centre_codes=["SANTE-MED", "IUT"],
    )
    assert (result.created, result.password_changed) == (False, True)
    assert await BaseUser.login("gestionnaire", "Nouveau-mot-2026") == result.user_id
    user = await BaseUser.select(BaseUser.email).where(BaseUser.id == result.user_id).first()
    assert user["email"] == "gestion.medecine@univ-toulouse.example"
    scopes = await StaffCentre.select(StaffCentre.centre.code).where(
        StaffCentre.staff == result.profile_id
    )
    assert sorted(s["centre.code"] for s in scopes) == ["IUT", "SANTE-MED"]
    await upsert_staff_user(
        username="gestionnaire",
        email="g@univ-toulouse.example",
        password=None,
        role="centre",
        centre_codes=["IUT"],
    )
    assert await StaffCentre.count() == 1
    assert await BaseUser.login("gestionnaire", "Nouveau-mot-2026") == result.user_id


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"role": "doyen"}, "rôle inconnu"),
        ({"password": "court"}, "mot de passe trop faible"),
        ({"password": "sansmajuscule-2026"}, "une lettre majuscule"),
        ({"centre_codes": ["NOPE"]}, "centre inconnu(s) : NOPE"),
        ({"centre_codes": []}, "au moins un centre"),
        ({"commission_codes": ["IUT"]}, "seul un membre de commission"),
    ],
)
async def test_upsert_staff_user_refuses_and_writes_nothing(changes, message):
    await make_centre(await make_campaign(), code="IUT")
    before = await _row_counts()
    request = {
        "username": "nouveau",
        "email": "nouveau@univ-toulouse.example",
        "password": "Nouveau-mot-2026",
        "role": "centre",
        "centre_codes": ["IUT"],
        **changes,
    }
    with pytest.raises(StaffError, match=message.replace("(", r"\(").replace(")", r"\)")):
        await upsert_staff_user(**request)
    assert await _row_counts() == before


def _bea_valid(ine: str) -> bool:
    """BEA rule of app/refdata/data/ine_vectors.csv (the dossier's own validator comes later)."""
    ine = ine.upper()
    digits, key = ine[:10], ine[10:]
    if len(ine) != 11 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    return key == BEA_KEYS[int(digits) % 23]


def test_the_bea_rule_agrees_with_the_vectors():
    with open(DATA_DIR / "ine_vectors.csv", encoding="utf-8", newline="") as handle:
        for vector in csv.DictReader(handle):
            if vector["variant"] == "BEA" or (
                vector["variant"] == "invalid" and vector["note"].startswith("BEA shape")
            ):
                assert _bea_valid(vector["input"]) == (vector["expected_valid"] == "true")


async def test_demo_students_are_consistent_with_the_reference_data():
    await load_reference_data()
    students = json.loads(DEMO_STUDENTS_PATH.read_text(encoding="utf-8"))["students"]
    assert [(s.cas_login, s.password) for s in demo_students()] == [
        ("cmartin", "Camille-ecesure-2026"),
        ("lbernard", "Lucas-ecesure-2026"),
        ("ihaddad", "Ines-ecesure-2026"),
    ]
    assert len({s["student_number"] for s in students}) == 3
    for student in students:
        assert _bea_valid(student["ine"]), student["ine"]
        assert student["civility"] in {"M", "MME"}
        assert await Country.exists().where(Country.cog_code == student["nationality_cog"])
        birth = student["birth_place"]
        assert await Country.exists().where(Country.cog_code == birth["country_cog"])
        if birth["country_cog"] == "99100":
            assert await _commune_in(birth["commune_insee"], birth["departement_code"])
        address = student["address"]
        commune = await _commune_in(address["commune_insee"], None)
        assert address["postal_code"] in commune["postal_codes"].split()
        bac = student["bac"]
        serie = await BacSerie.select().where(BacSerie.code == bac["serie_code"]).first()
        assert (serie["first_year"] or 0) <= bac["year"] <= (serie["last_year"] or 9999)
        assert await BacMention.exists().where(BacMention.code == bac["mention_code"])
        assert await _commune_in(bac["commune_insee"], bac["departement_code"])
        lycee = await Lycee.select().where(Lycee.uai == bac["lycee_uai"]).first()
        assert lycee["uai"][:3] == bac["departement_code"].zfill(3)
        assert lycee["postal_code"][:2] == bac["departement_code"]
        assert [row["year"] for row in student["internal_studies"]] == sorted(
            row["year"] for row in student["internal_studies"]
        )


async def _commune_in(insee_code: str, departement_code: str | None) -> dict:
    commune = (
        await Commune.select(Commune.all_columns(), Commune.departement.code.as_alias("dep"))
        .where((Commune.insee_code == insee_code) & (Commune.kind == "commune-actuelle"))
        .first()
    )
    assert commune is not None, insee_code
    if departement_code is not None:
        assert commune["dep"] == departement_code
        assert await Departement.exists().where(Departement.code == departement_code)
    return commune


async def test_the_commission_can_review_and_decide_a_transmitted_application_in_sante_med(
    clock,
):
    """The demo's desk is not empty: ``commission`` sees a transmitted application of
    SANTE-MED and may process and decide it; its candidate signs in with a password."""
    await load_reference_data()
    summary = await load_demo_data()
    assert summary.application == "created"
    flags = await Commission.select(Commission.members_process, Commission.members_decide)
    assert len(flags) == 8
    assert all(f == {"members_process": True, "members_decide": True} for f in flags)
    [application] = await Application.select(
        Application.id,
        Application.status,
        Application.programme.code,
        Application.programme.commission.centre.code,
        Application.candidate.account.login,
    )
    assert {k: v for k, v in application.items() if k != "id"} == {
        "status": "RE",
        "programme.code": "CES-MED-FR-AN",
        "programme.commission.centre.code": "SANTE-MED",
        "candidate.account.login": "DEMOMED1",
    }
    pieces = await SubmittedPiece.select(SubmittedPiece.status).where(
        SubmittedPiece.superseded_at.is_null()
    )
    assert [p["status"] for p in pieces] == ["TR"] * 6
    member = await load_staff_member(
        await authenticate_staff("commission", "Commission-ecesure-2026")
    )
    scoped = await application_in_scope(member, application["id"])
    assert scoped is not None and may_process(member, scoped) and may_decide(member, scoped)
    account = await CandidateAccount.select(CandidateAccount.password_hash).first()
    assert verify_password(account["password_hash"], summary.candidate.password)

    counts = (await Application.count(), await SubmittedPiece.count())
    second = await load_demo_data()
    assert second.application == "present"
    assert (dict(second.created), dict(second.updated)) == ({}, {})
    assert (await Application.count(), await SubmittedPiece.count()) == counts


async def test_the_demo_application_waits_for_an_open_deposit_window(clock):
    """With the guide's dates and today after them, no application can be made: the
    summary says why; the development dates then make it."""
    await load_reference_data()
    clock.move_to(datetime(2026, 11, 29, 9, 0, tzinfo=UTC))
    summary = await load_demo_data(guide_dates=True)
    assert summary.application == "skipped: programme_closed (try the development dates)"
    assert await Application.count() == 0
    summary = await load_demo_data()
    assert summary.application == "created"
    assert await Application.select(Application.status) == [{"status": "RE"}]
