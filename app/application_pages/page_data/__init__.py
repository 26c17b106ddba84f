"""What the candidate's application pages show, read for one signed-in account.

The lifecycle's queries (``app.applications.queries``) give the application, its
pieces, decision and timeline; this package adds what only the pages need: the offer
filtered by a search (``offer``), the labels (``labels``), the table (``application_list``), the summary with
piece history, contact address and notes (``summary``), and the file of a piece
(``piece_files``).
"""

from app.application_pages.page_data.application_list import ListPage, list_page
from app.application_pages.page_data.offer import (
    OfferedProgramme,
    OfferPage,
    offer_branch,
    offer_page,
    offered_programme,
)
from app.application_pages.page_data.piece_files import piece_file
from app.application_pages.page_data.summary import (
    PieceRow,
    Summary,
    SummaryRows,
    summary_of,
    summary_rows,
)

__all__ = [
    "ListPage",
    "OfferPage",
    "OfferedProgramme",
    "PieceRow",
    "Summary",
    "SummaryRows",
    "list_page",
    "offer_branch",
    "offer_page",
    "offered_programme",
    "piece_file",
    "summary_of",
    "summary_rows",
]
