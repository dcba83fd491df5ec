"""Search through the use case, on SQLite FTS5 and on PostgreSQL: folding, ranking, phrases,
codes, snippets, paging, scoping, filters, and the index following the catalog."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.search_data import document_id, load
from models.audit import AuditFilter
from models.auth import Actor, AuditAction, Principal, Role
from models.catalog import DossierStatus
from models.errors import Forbidden, InvalidQuery
from models.schemas import DocumentUpdate
from models.search import SearchFilters
from services import counter
from services.context import Context
from services.search import search
from services.settings import Settings
from storage.search import index as search_index
from synth.dossiers import SynthDossier, SynthPaper
from tests.conftest import ADMIN, AGENCY, OTHER_AGENCY

AN = SynthDossier(
    code=f"{AGENCY}-240115-0001",
    agency=AGENCY,
    procedure="1.001193",
    applicant_name="Nguyễn Văn An",
    applicant_id="079193002341",
    address="số 12 đường Lê Lợi, phường Bến Thành",
    received_at=datetime(2024, 1, 15, 9, tzinfo=UTC),
    papers=(
        SynthPaper(
            "birth_certificate",
            (
                "GIẤY KHAI SINH\nHọ và tên: NGUYỄN VĂN AN\nSố định danh cá nhân: 079193002341",
                "Trang hai: giấy chứng nhận quyền sử dụng đất số 15, cấp cho Đặng Đức Thọ.",
            ),
        ),
    ),
)
SCATTERED = SynthDossier(
    code=f"{AGENCY}-240116-0002",
    agency=AGENCY,
    procedure="2.000528",
    applicant_name="Trần Thị Mai",
    applicant_id="001301004567",
    address="số 3 đường Quang Trung, phường Đa Kao",
    received_at=datetime(2024, 3, 2, 9, tzinfo=UTC),
    papers=(
        SynthPaper(
            "application_form",
            ("Đơn đề nghị cấp giấy; chứng nhận của xã về quyền lợi; sử dụng vốn; đất ở.",),
        ),
    ),
)


def _person(agency: str, given: str, day: int) -> SynthDossier:
    return SynthDossier(
        code=f"{agency}-2402{day:02d}-00{day:02d}",
        agency=agency,
        procedure="1.000894",
        applicant_name=f"Lê Thu {given}",
        applicant_id=f"0791930{day:05d}",
        address="",
        received_at=datetime(2024, 2, day, 9, tzinfo=UTC),
        papers=(SynthPaper("id_card", (f"CĂN CƯỚC CÔNG DÂN\nHọ và tên: LÊ THU {given.upper()}",)),),
    )


HA, HA_BARE, HA_DOT = (
    _person(AGENCY, "Ha", 10),
    _person(AGENCY, "Hạ", 11),
    _person(OTHER_AGENCY, "Hà", 12),
)


@pytest.fixture
def ctx(database_url: str, tmp_path: Path) -> Iterator[Context]:
    context = Context.open(Settings(data_dir=tmp_path, database_url=database_url, workers=0))
    load(context, [AN, SCATTERED, HA, HA_BARE, HA_DOT])
    yield context
    context.close()


def _codes(ctx: Context, q: str, actor: Actor = ADMIN, **filters: object) -> list[str]:
    return [h.dossier_code for h in search(ctx, actor, q, SearchFilters(**filters)).hits]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "q",
    [
        "nguyen van an",
        "Nguyen Van An",
        "Nguyễn Văn An",
        "NGUYỄN VĂN AN",
        unicodedata.normalize("NFD", "Nguyễn Văn An"),
    ],
)
def test_a_name_is_found_with_or_without_marks_composed_or_not(ctx: Context, q: str) -> None:
    assert set(_codes(ctx, q)) == {AN.code}


def test_d_stroke_folds_to_d(ctx: Context) -> None:
    assert _codes(ctx, "dang duc tho") == [AN.code]
    assert _codes(ctx, "ĐẶNG ĐỨC THỌ") == [AN.code]


def test_the_spelling_typed_ranks_above_other_marks(ctx: Context) -> None:
    hits = search(ctx, ADMIN, "Lê Thu Hà").hits
    assert hits[0].dossier_code == HA_DOT.code and hits[0].exact
    assert {h.dossier_code for h in hits} == {HA.code, HA_BARE.code, HA_DOT.code}
    assert not any(h.exact for h in hits[1:])
    assert _codes(ctx, "Lê Thu Hạ")[0] == HA_BARE.code


@pytest.mark.parametrize(
    ("printed", "typed"),
    [
        ("hoà giải", "hòa giải"),
        ("hòa giải", "hoà giải"),
        ("Uỷ ban", "Ủy ban"),
        ("Ủy ban", "uỷ ban"),
    ],
)
def test_either_tone_placement_finds_the_page_as_typed_with_its_marks(
    ctx: Context, printed: str, typed: str
) -> None:
    # the page keeps the placement it prints; the index and the query fold both to one
    counter.correct_page(ctx, ADMIN, document_id(AN, 0), 2, f"Biên bản {printed} ngày 5")
    hits = search(ctx, ADMIN, typed).hits
    assert [h.dossier_code for h in hits] == [AN.code]
    assert hits[0].exact


def test_a_quoted_phrase_needs_its_words_side_by_side(ctx: Context) -> None:
    assert _codes(ctx, '"giấy chứng nhận quyền sử dụng đất"') == [AN.code]
    assert _codes(ctx, '"giay chung nhan quyen su dung dat"') == [AN.code]
    assert set(_codes(ctx, "giấy chứng nhận quyền sử dụng đất")) == {AN.code, SCATTERED.code}


def test_the_words_side_by_side_rank_first_without_quotes(ctx: Context) -> None:
    assert _codes(ctx, "giay chung nhan quyen su dung dat")[0] == AN.code


def test_a_prefix_matches_the_start_of_words(ctx: Context) -> None:
    assert AN.code in _codes(ctx, "Nguy* an")
    assert _codes(ctx, "nguyx*") == []


@pytest.mark.parametrize("q", [AN.code, AN.applicant_id, AN.code.lower(), "1.001193"])
def test_codes_and_numbers_are_found_as_typed(ctx: Context, q: str) -> None:
    assert set(_codes(ctx, q)) == {AN.code}


def test_a_hit_names_its_dossier_paper_page_and_marks_the_words(ctx: Context) -> None:
    results = search(ctx, ADMIN, "dang duc tho")
    assert results.total == 1
    hit = results.hits[0]
    assert (hit.dossier_code, hit.document_id, hit.page) == (AN.code, document_id(AN, 0), 2)
    assert "<mark>Đặng</mark> <mark>Đức</mark> <mark>Thọ</mark>" in hit.snippet


def test_snippets_escape_the_page_text(ctx: Context) -> None:
    counter.correct_page(ctx, ADMIN, document_id(AN, 0), 1, "An <script>alert(1)</script> & co")
    snippet = search(ctx, ADMIN, "alert").hits[0].snippet
    assert "<script>" not in snippet
    assert "&lt;script&gt;<mark>alert</mark>" in snippet


def test_paging_keeps_the_total(ctx: Context) -> None:
    everything = search(ctx, ADMIN, "le thu", limit=100)
    assert everything.total == 3
    pages = [search(ctx, ADMIN, "le thu", limit=1, offset=n) for n in range(4)]
    assert [p.total for p in pages] == [3, 3, 3, 3]
    assert [h.dossier_code for p in pages for h in p.hits] == [
        h.dossier_code for h in everything.hits
    ]


def test_a_clerk_finds_only_its_agency(ctx: Context) -> None:
    clerk = Actor(Principal(7, "clerk", Role.CLERK, AGENCY))
    assert set(_codes(ctx, "le thu", clerk)) == {HA.code, HA_BARE.code}
    assert _codes(ctx, "le thu", clerk, agency_code=OTHER_AGENCY) == []
    assert _codes(ctx, "le thu", ADMIN, agency_code=OTHER_AGENCY) == [HA_DOT.code]


def test_an_auditor_may_not_search(ctx: Context) -> None:
    with pytest.raises(Forbidden):
        search(ctx, Actor(Principal(8, "kt", Role.AUDITOR, None)), "an")


def test_filters_narrow_the_hits(ctx: Context) -> None:
    assert _codes(ctx, "le thu", procedure_code="1.000894", kind_code="id_card") != []
    assert _codes(ctx, "an", procedure_code="2.000528") == []
    assert _codes(ctx, "dang", kind_code="birth_certificate") == [AN.code]
    today = datetime.now(UTC).date()  # a dossier is received when it is created
    assert len(_codes(ctx, "le thu", received_from=today, received_to=today)) == 3
    assert _codes(ctx, "le thu", received_to=today - timedelta(days=1)) == []
    assert _codes(ctx, "le thu", received_from=today + timedelta(days=1)) == []
    assert set(_codes(ctx, "le thu", status=DossierStatus.COMPLETED)) == {
        HA.code,
        HA_BARE.code,
        HA_DOT.code,
    }
    assert _codes(ctx, "le thu", status=DossierStatus.RECEIVED) == []


def test_a_correction_is_searchable_and_replaces_the_read_text(ctx: Context) -> None:
    counter.correct_page(ctx, ADMIN, document_id(AN, 0), 2, "Trang hai: Phùng Thị Xuyến")
    assert _codes(ctx, "phung thi xuyen") == [AN.code]
    assert _codes(ctx, "dang duc tho") == []


def test_metadata_changes_are_searchable(ctx: Context) -> None:
    update = DocumentUpdate(number_symbol="123/2024/QĐ-UBND", summary="về việc cấp phép xây dựng")
    counter.update_document(ctx, ADMIN, document_id(SCATTERED, 0), update)
    assert _codes(ctx, "123/2024/QĐ-UBND") == [SCATTERED.code]
    assert _codes(ctx, "cap phep xay dung") == [SCATTERED.code]


def test_a_paper_removed_from_a_dossier_is_not_found_through_it(ctx: Context) -> None:
    counter.remove_from_dossier(ctx, ADMIN, AN.code, document_id(AN, 0))
    assert _codes(ctx, "dang duc tho") == []


def test_a_rebuild_gives_back_the_same_index(ctx: Context) -> None:
    def found() -> list[tuple[str, str, int, str, float]]:
        # hits of equal score may swap places: rows get new ids in the rebuild
        hits = search(ctx, ADMIN, "le thu").hits
        return sorted((h.dossier_code, h.document_id, h.page, h.snippet, h.score) for h in hits)

    before = found()
    ctx.search.index.clear()
    assert search(ctx, ADMIN, "le thu").total == 0
    assert ctx.search.rebuild() == 5
    assert found() == before and len(before) == 3


MALFORMED = [
    '"unbalanced quote',
    'a "b',
    "NEAR(an nguyen)",
    "an AND OR NOT",
    "-an ^nguyen :x {text}: *",
    "an'; DROP TABLE search_entries; --",
    "văn*bản*",
    "x" * 65 + " an",
    "🙂 an",
    "an " * 23,
]
REFUSED = ["", "   ", '""', "*", "!!! ---", "a" * 10_000, " ".join("abcdefghijklmnopqrstuvwxyz")]


def test_malformed_queries_get_a_sane_result_and_empty_or_huge_ones_a_4xx(ctx: Context) -> None:
    for q in MALFORMED:
        assert search(ctx, ADMIN, q).total >= 0, q
    for q in REFUSED:
        with pytest.raises(InvalidQuery) as refused:
            search(ctx, ADMIN, q)
        assert refused.value.http_status == 422
    assert search(ctx, ADMIN, "nguyen van an").total == 2  # the table is still there


def test_every_search_is_audited(ctx: Context) -> None:
    search(ctx, ADMIN, "nguyen van an")
    events = ctx.audit.events(AuditFilter(action=AuditAction.SEARCH), limit=5, offset=0)
    assert [e.actor for e in events] == [ADMIN.principal.username]
    assert "nguyen" not in (events[0].detail or "")  # words a citizen's data: not kept


def test_the_total_is_exact_up_to_the_cap_and_a_floor_beyond(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_index, "CANDIDATES", 2)
    broad = search(ctx, ADMIN, "le thu", limit=1)
    assert (broad.total, broad.total_exact) == (2, False)
    assert len(broad.hits) == 1
    # a page reaching past the cap counts that far: the three pages, exactly
    everything = search(ctx, ADMIN, "le thu", limit=3)
    assert (everything.total, everything.total_exact) == (3, True)
    assert search(ctx, ADMIN, "dang duc tho").total_exact


def test_the_typed_marks_rank_first_even_beyond_the_newest_candidates(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    # two newer "Lê Thu Hà" fill the newest candidates (cap 1, one more fetched) of the folded
    # match; the list of exact spellings brings the older typed "Hạ" back to the top
    load(ctx, [_person(AGENCY, "Hà", 20), _person(AGENCY, "Hà", 21)])
    monkeypatch.setattr(search_index, "CANDIDATES", 1)
    hits = search(ctx, ADMIN, "Lê Thu Hạ", limit=1).hits
    assert [(h.dossier_code, h.exact) for h in hits] == [(HA_BARE.code, True)]


def test_a_prefix_needs_two_letters(ctx: Context) -> None:
    assert AN.code in _codes(ctx, "nguyen van an*")
    # "a*" would match half the index: one letter is taken as the word "a", which no page holds
    assert _codes(ctx, "nguyen van a*") == []
    assert AN.code in _codes(ctx, "ng* van an")


def test_a_name_in_the_dossiers_fields_ranks_above_its_words_in_running_text(
    ctx: Context,
) -> None:
    # family and given name without the middle one: not side by side anywhere, but the older
    # dossier's applicant is "Bùi Văn Quân", while the newer one only mentions both words
    applicant = _applicant(21, "Bùi Văn Quân", "id_card", "CĂN CƯỚC CÔNG DÂN")
    mention = _applicant(22, "Trần Thị Mai", "application_form", "Bùi Thị Lan, cán bộ quân sự xã")
    load(ctx, [applicant, mention])
    hits = search(ctx, ADMIN, "bui quan").hits
    assert [h.dossier_code for h in hits] == [applicant.code, mention.code]
    assert hits[0].score > hits[1].score


def _applicant(day: int, name: str, kind: str, text: str) -> SynthDossier:
    """A one-page dossier received on 2024-03-`day` (a later day is a newer dossier)."""
    return SynthDossier(
        code=f"{AGENCY}-2403{day:02d}-00{day:02d}",
        agency=AGENCY,
        procedure="1.000894",
        applicant_name=name,
        applicant_id=f"0791930000{day:02d}",
        address="",
        received_at=datetime(2024, 3, day, 9, tzinfo=UTC),
        papers=(SynthPaper(kind, (text,)),),
    )
