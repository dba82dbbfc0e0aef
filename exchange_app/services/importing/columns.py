"""The columns of each import kind: canonical key, Japanese aliases, type and notes.

The notes are bilingual on purpose: they fill the template's notes sheet, which is
read in Japanese and in English at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from exchange_app import vocab
from exchange_app.services.importing.normalise import lookup_key


@dataclass(frozen=True)
class Column:
    """One column of an import file."""

    key: str
    type: str  # text, date, int, choice, choices, bool, partner, organization, program
    aliases: tuple[str, ...] = ()
    required: bool = False
    max_length: int | None = None
    minimum: int | None = None
    labels: dict[str, Any] | None = None  # the vocabulary, for choice(s)
    note_ja: str = ""
    note_en: str = ""
    example: Any = None


EXTERNAL_ID_NOTE_JA = (
    "この行を識別する番号（例: GL-1979-01）。同じ番号の行を再度取り込むと、新規作成せずに更新します。"
)
EXTERNAL_ID_NOTE_EN = (
    "A code that identifies this row (e.g. GL-1979-01). Importing a row with the same code "
    "again updates that record instead of creating a new one."
)
PARTNER_NOTE_JA = "友好姉妹都市等。スラッグ（guilin）、日本語名（桂林市）、英語名（Guilin）のいずれか。"
PARTNER_NOTE_EN = "Partner city: its slug (guilin), Japanese name (桂林市) or English name (Guilin)."
DATE_NOTE_JA = "日付。Excel の日付、2024-04-01、2024/4/1、令和6年4月1日、R6.4.1 など。"
DATE_NOTE_EN = "A date: an Excel date, 2024-04-01, 2024/4/1, 令和6年4月1日, R6.4.1 ..."

DELEGATION_COLUMNS: tuple[Column, ...] = (
    Column("external_id", "text", ("管理番号", "整理番号", "id"), True, 64,
           note_ja=EXTERNAL_ID_NOTE_JA, note_en=EXTERNAL_ID_NOTE_EN, example="GL-2024-01"),
    Column("direction", "choice", ("方向", "区分", "受入/派遣", "受入・派遣"), True,
           labels=vocab.DIRECTION_LABELS, note_ja="受入（inbound）または派遣（outbound）。",
           note_en="inbound (受入, hosted) or outbound (派遣, sent).", example="受入"),
    Column("partner", "partner", ("相手都市", "都市", "友好姉妹都市", "友好姉妹都市等"),
           note_ja=PARTNER_NOTE_JA + "友好姉妹都市等以外の相手は counterpart に記入。",
           note_en=PARTNER_NOTE_EN + " For any other counterpart use the counterpart column.",
           example="桂林市"),
    Column("counterpart", "text", ("相手方", "相手先", "相手機関"), max_length=200,
           note_ja="相手方（partner が空のときは必須）。",
           note_en="The counterpart (required when partner is empty).",
           example="桂林市人民政府"),
    Column("title", "text", ("件名", "名称", "事業名"), True, 200,
           note_ja="件名。", note_en="Title of the visit.", example="桂林市友好代表団の受入"),
    Column("start_date", "date", ("開始日", "訪問開始日", "期間（開始）", "期間(開始)"), True,
           note_ja=DATE_NOTE_JA, note_en=DATE_NOTE_EN, example="令和6年4月1日"),
    Column("end_date", "date", ("終了日", "訪問終了日", "期間（終了）", "期間(終了)"), True,
           note_ja=DATE_NOTE_JA + "開始日以降。", note_en=DATE_NOTE_EN + " Not before start_date.",
           example="2024-04-05"),
    Column("head_name", "text", ("団長名", "団長", "代表者名"), max_length=100,
           note_ja="団長の氏名。", note_en="Name of the head of the delegation.",
           example="王 明"),
    Column("head_title", "text", ("団長役職", "役職", "代表者役職"), max_length=100,
           note_ja="団長の役職。", note_en="Title of the head of the delegation.",
           example="副市長"),
    Column("member_count", "int", ("人数", "団員数", "訪問人数"), True, minimum=1,
           note_ja="団員数（1以上の整数）。", note_en="Number of members (a whole number, 1 or more).",
           example=8),
    Column("fields", "choices", ("分野", "交流分野"), labels=vocab.EXCHANGE_FIELD_LABELS,
           note_ja="交流分野。複数は「;」または「、」で区切る。",
           note_en="Fields of exchange; separate several with ';' or '、'.",
           example="観光、青少年"),
    Column("purpose", "text", ("目的", "訪問目的"), note_ja="目的。", note_en="Purpose.",
           example="友好交流45周年記念"),
    Column("outcome", "text", ("成果", "結果"), note_ja="成果。", note_en="Outcome.", example=""),
)

YOUTH_PROGRAM_COLUMNS: tuple[Column, ...] = (
    Column("external_id", "text", ("管理番号", "事業番号", "整理番号", "id"), True, 64,
           note_ja=EXTERNAL_ID_NOTE_JA, note_en=EXTERNAL_ID_NOTE_EN, example="YP-2024-01"),
    Column("title", "text", ("件名", "事業名", "名称"), True, 200,
           note_ja="事業名。", note_en="Title of the programme.", example="桂林市青少年交流派遣"),
    Column("kind", "choice", ("種別", "事業種別"), True, labels=vocab.YOUTH_PROGRAM_KIND_LABELS,
           note_ja="種別。partner_exchange（友好姉妹都市等との交流）は partner が必須。",
           note_en="Kind. partner_exchange needs a partner city.", example="友好姉妹都市等との交流"),
    Column("partner", "partner", ("相手都市", "都市", "友好姉妹都市等"),
           note_ja=PARTNER_NOTE_JA, note_en=PARTNER_NOTE_EN, example="guilin"),
    Column("direction", "choice", ("方向", "区分", "受入/派遣"), True, labels=vocab.DIRECTION_LABELS,
           note_ja="受入（inbound）または派遣（outbound）。",
           note_en="inbound (受入) or outbound (派遣).", example="派遣"),
    Column("start_date", "date", ("開始日", "期間（開始）", "期間(開始)"), True,
           note_ja=DATE_NOTE_JA, note_en=DATE_NOTE_EN, example="R6.8.1"),
    Column("end_date", "date", ("終了日", "期間（終了）", "期間(終了)"), True,
           note_ja=DATE_NOTE_JA + "開始日以降。", note_en=DATE_NOTE_EN + " Not before start_date.",
           example="R6.8.7"),
    Column("counterpart", "text", ("相手方", "相手先"), max_length=200,
           note_ja="相手方（任意）。", note_en="Counterpart (optional).", example=""),
    Column("description", "text", ("内容", "概要"),
           note_ja="内容（任意）。", note_en="Description (optional).", example=""),
)

PARTICIPANT_COLUMNS: tuple[Column, ...] = (
    Column("program_external_id", "program", ("事業管理番号", "事業番号", "プログラム番号"), True,
           note_ja="参加する事業の管理番号（青少年事業の external_id）。先に事業を取り込むこと。",
           note_en="The external_id of the youth programme; import the programmes first.",
           example="YP-2024-01"),
    Column("family_name", "text", ("姓", "氏"), True, 50,
           note_ja="姓。", note_en="Family name.", example="熊本"),
    Column("given_name", "text", ("名",), True, 50,
           note_ja="名。", note_en="Given name.", example="花子"),
    Column("family_name_kana", "text", ("姓（カナ）", "姓(カナ)", "セイ", "姓フリガナ", "姓（ふりがな）"),
           max_length=50, note_ja="姓のフリガナ（カナのみ）。", note_en="Family name in kana (kana only).",
           example="クマモト"),
    Column("given_name_kana", "text", ("名（カナ）", "名(カナ)", "メイ", "名フリガナ", "名（ふりがな）"),
           max_length=50, note_ja="名のフリガナ（カナのみ）。", note_en="Given name in kana (kana only).",
           example="ハナコ"),
    Column("birth_date", "date", ("生年月日",), note_ja=DATE_NOTE_JA, note_en=DATE_NOTE_EN,
           example="H21.5.3"),
    Column("school", "text", ("学校名", "学校", "所属"), max_length=100,
           note_ja="学校名。", note_en="School.", example="熊本市立○○中学校"),
    Column("grade", "text", ("学年",), max_length=20, note_ja="学年。", note_en="Grade.",
           example="中学2年"),
    Column("role", "choice", ("役割", "区分", "参加区分"), True, labels=vocab.PARTICIPANT_ROLE_LABELS,
           note_ja="役割: youth（青少年）、chaperone（引率者）、staff（スタッフ）。",
           note_en="Role: youth, chaperone or staff.", example="青少年"),
    Column("resident", "bool", ("市内在住", "在住", "市内"), True,
           note_ja="熊本市内在住か: はい/いいえ（yes/no、○/×）。",
           note_en="Lives in the city: yes/no (はい/いいえ, ○/×).", example="はい"),
    Column("status", "choice", ("状況", "状態", "参加状況"), True,
           labels=vocab.PARTICIPANT_STATUS_LABELS,
           note_ja="状況: applied（応募）、selected（選考通過）、participated（参加）、withdrawn（辞退）。",
           note_en="Status: applied, selected, participated or withdrawn.", example="参加"),
    Column("guardian_name", "text", ("保護者氏名", "保護者名", "保護者"), max_length=100,
           note_ja="保護者の氏名。", note_en="Guardian's name.", example="熊本 太郎"),
    Column("guardian_phone", "text", ("保護者電話番号", "保護者連絡先", "電話番号"), max_length=30,
           note_ja="保護者の電話番号（例: 096-328-2070）。", note_en="Guardian's phone (e.g. 096-328-2070).",
           example="096-328-2070"),
    Column("guardian_consent_on", "date", ("保護者同意日", "同意日"),
           note_ja="保護者の同意日。青少年が選考通過・参加のときは必須。" + DATE_NOTE_JA,
           note_en="Date of the guardian's consent; required for a young person who is selected "
           "or took part. " + DATE_NOTE_EN, example="2024-06-20"),
)

PROMOTION_COLUMNS: tuple[Column, ...] = (
    Column("external_id", "text", ("管理番号", "整理番号", "id"), True, 64,
           note_ja=EXTERNAL_ID_NOTE_JA, note_en=EXTERNAL_ID_NOTE_EN, example="PR-2024-01"),
    Column("date", "date", ("日付", "実施日", "開始日", "発信日"), True,
           note_ja=DATE_NOTE_JA, note_en=DATE_NOTE_EN, example="2024-05-10"),
    Column("end_date", "date", ("終了日",), note_ja="終了日（任意）。" + DATE_NOTE_JA,
           note_en="End date (optional). " + DATE_NOTE_EN, example=""),
    Column("title", "text", ("件名", "名称", "内容"), True, 200,
           note_ja="件名。", note_en="Title.", example="桂林市観光展での熊本城PR"),
    Column("channel", "choice", ("経路", "発信経路", "チャネル", "ネットワーク"), True,
           labels=vocab.PROMOTION_CHANNEL_LABELS,
           note_ja="発信経路。partner_city は partner が必須、その他は同じ種別の organization が必須。",
           note_en="Channel. partner_city needs a partner; the others need an organisation of "
           "the matching kind.", example="友好姉妹都市等"),
    Column("partner", "partner", ("相手都市", "都市", "友好姉妹都市等"),
           note_ja=PARTNER_NOTE_JA, note_en=PARTNER_NOTE_EN, example="桂林市"),
    Column("organization", "organization", ("機関", "相手機関", "団体", "組織"),
           note_ja="国際機関・大使館等の日本語名または英語名（登録済みのもの）。",
           note_en="An organisation already registered, by its Japanese or English name.",
           example=""),
    Column("theme", "choice", ("テーマ", "発信テーマ"), True, labels=vocab.PROMOTION_THEME_LABELS,
           note_ja="テーマ。", note_en="Theme.", example="熊本城"),
    Column("medium", "choice", ("媒体", "手段", "発信手段"), True, labels=vocab.PROMOTION_MEDIUM_LABELS,
           note_ja="媒体。", note_en="Medium.", example="展示"),
    Column("reach", "int", ("到達人数", "参加者数", "来場者数"), minimum=0,
           note_ja="到達人数（0以上の整数、任意）。", note_en="Reach (a whole number, optional).",
           example=1200),
    Column("counts_toward_3b", "bool", ("3b計上", "指標3b", "3bに計上"),
           note_ja="指標3bに計上するか: はい/いいえ（空欄ははい）。",
           note_en="Counts toward indicator 3b: yes/no (blank means yes).", example="はい"),
    Column("exclusion_reason", "text", ("除外理由", "計上しない理由"),
           note_ja="3bに計上しない理由（計上しないときは必須）。",
           note_en="Why it does not count toward 3b (required when it does not).", example=""),
    Column("notes", "text", ("備考",), note_ja="備考。", note_en="Notes.", example=""),
)


def header_key(text: str) -> str:
    """A header as written, folded for matching (NFKC, case, spaces, required marks)."""
    folded = lookup_key(text or "")
    for mark in ("(必須)", "*", "※"):
        folded = folded.replace(mark, "")
    return folded.strip().replace(" ", "_")


def header_map(columns: tuple[Column, ...]) -> dict[str, str]:
    """Every accepted header (key or alias), folded, to its column key."""
    accepted: dict[str, str] = {}
    for column in columns:
        accepted[header_key(column.key)] = column.key
        for alias in column.aliases:
            accepted.setdefault(header_key(alias), column.key)
    return accepted
