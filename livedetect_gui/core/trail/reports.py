"""Supervisor reports over the audit trail: per day or week and per operator, for a date range.

Computed in one streamed pass over the matching records (a month of a busy centre is
hundreds of thousands of rows: never all in memory at once, except the latencies needed for
the 95th percentile, one int each). Simulated (sandbox) records are left out unless asked:
a simulated score is not a judgement.
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from livedetect_gui.core.errors import is_hold, is_refusal, local_problem, service_problem
from livedetect_gui.core.names import for_terminal, operator_name
from livedetect_gui.core.paths import atomic_private
from livedetect_gui.core.trail.chain import ChainState, Kind, Record
from livedetect_gui.core.trail.csv_cells import safe_cell
from livedetect_gui.core.trail.history import History, altered_marker
from livedetect_gui.core.trail.store import Query
from livedetect_gui.core.verdict import DEFAULT_THRESHOLD

HISTOGRAM_BINS = 20  # scores 0–5, 5–10, ... 95–100


@dataclass(frozen=True)
class ReportOptions:
    since: float
    until: float
    operators: Sequence[str] | None = None
    include_simulated: bool = False
    by: str = "day"  # or "week"
    # The histogram's threshold line; None: the threshold most checks in the range used
    # (the legacy API and API 3.0 score on different scales: 87 and 40 by default).
    threshold: float | None = None


@dataclass
class Tally:
    """The figures of one table row (a day, a week, an operator, or the whole range)."""

    label: str
    checks: int = 0
    passed: int = 0
    failed: int = 0
    errors: int = 0
    decisions: int = 0
    overrides: int = 0
    calls: int = 0  # requests sent (attempts, retries included)
    reused: int = 0  # answered from an earlier judgement: a call saved
    # Never sent, so never a check nor an error: held by the pre-checks, refused before sending.
    held: int = 0
    refused: int = 0  # a call saved
    held_unsent: int = 0  # holds never sent anyway (nor judged since): a call saved
    latencies: list[int] = field(default_factory=list)

    def add(self, record: Record) -> None:
        if record.kind == Kind.DECISION:
            self.decisions += 1
            self.overrides += int(record.override)
            return
        if record.kind != Kind.CHECK:
            return  # an event around a check (sent anyway, removed, re-checked...): no check
        unsent = never_sent(record)
        if unsent == "held":
            self.held += 1
            self.held_unsent += 1
            return
        if unsent == "refused":
            self.refused += 1
            return
        self.checks += 1
        if record.verdict == "pass":
            self.passed += 1
        elif record.verdict == "fail":
            self.failed += 1
        else:
            self.errors += 1
        if record.reused_from is not None:
            self.reused += 1
            return
        if record.attempts == 0:
            return  # an error before any request: no call spent, no latency
        self.calls += record.attempts
        self.latencies.append(record.elapsed_ms)

    @property
    def not_sent(self) -> int:
        """Calls saved by not sending: refusals and holds never sent anyway."""
        return self.refused + self.held_unsent

    @property
    def saved(self) -> int:
        return self.reused + self.not_sent

    @property
    def pass_rate(self) -> float | None:
        judged = self.passed + self.failed
        return self.passed / judged if judged else None

    @property
    def mean_ms(self) -> float | None:
        return sum(self.latencies) / len(self.latencies) if self.latencies else None

    @property
    def p95_ms(self) -> float | None:
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return float(ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)])  # nearest rank


def never_sent(record: Record) -> str | None:
    """A check record of a photo never sent (never checked, never an error): "held" by the
    pre-checks or "refused" before sending; None for a check that was sent or answered."""
    if record.kind != Kind.CHECK or record.verdict != "error" or record.attempts != 0:
        return None
    if is_hold(record.problem_key):
        return "held"
    return "refused" if is_refusal(record.problem_key) else None


TABLE_COLUMNS = ("label", "checks", "passed", "failed", "errors", "pass_rate", "decisions",
                 "overrides", "mean_ms", "p95_ms", "calls", "reused", "held", "refused")

COLUMN_TITLES: dict[str, tuple[str, str]] = {
    "label": ("Period / operator", "时段 / 操作员"), "checks": ("Checks", "检测"),
    "passed": ("Pass", "通过"), "failed": ("Fail", "未通过"), "errors": ("Error", "错误"),
    "pass_rate": ("Pass rate", "通过率"), "decisions": ("Decisions", "决定"),
    "overrides": ("Overrides", "推翻机器判断"), "mean_ms": ("Mean ms", "平均毫秒"),
    "p95_ms": ("p95 ms", "p95 毫秒"), "calls": ("Calls", "调用"),
    "reused": ("Reused", "复用"), "held": ("Held (not sent)", "暂缓（未发送）"),
    "refused": ("Refused (not sent)", "拒收（未发送）"),
}


def cell(tally: Tally, column: str) -> str:
    value = getattr(tally, column)
    if value is None:
        return "–"
    if column == "pass_rate":
        return f"{value * 100:.1f}%"
    if isinstance(value, float):
        return f"{value:.0f}"
    return str(value)


@dataclass
class Report:
    options: ReportOptions
    total: Tally
    periods: list[Tally]
    operators: list[Tally]
    errors_by_kind: Counter[str]
    histogram: list[int]
    chain: ChainState
    simulated_left_out: int
    threshold: float
    simulated_included: int = 0  # simulated checks among the figures: every page says so

    def row_label(self, tally: Tally, lang: str = "en") -> str:
        """A table row's label in words: the whole range's row is "Total", never a key."""
        return chart_text("total", lang) if tally is self.total else tally.label

    def simulated_marker(self, lang: str = "en") -> str:
        """What every page (and a CSV's first line) says when simulated records are in the
        figures; empty when none are."""
        if not self.simulated_included:
            return ""
        return chart_text("simulated_mark", lang).format(count=self.simulated_included)

    def errors_empty(self, lang: str = "en") -> str:
        """The errors chart with nothing to draw: no records at all, or none an error."""
        any_record = self.total.checks or self.total.held or self.total.refused
        return chart_text("no_errors" if any_record else "no_data", lang)

    def title(self, lang: str = "en") -> str:
        since = datetime.fromtimestamp(self.options.since).date().isoformat()
        last = datetime.fromtimestamp(self.options.until - 1).date().isoformat()
        return (f"LiveDetect 审核报告 {since} — {last}" if lang.startswith("zh")
                else f"LiveDetect review report {since} — {last}")

    def operator_names(self) -> list[str]:
        return [t.label for t in self.operators]

    def as_text(self, lang: str = "en") -> str:
        zh = lang.startswith("zh")
        lines = [self.title(lang), self.chain.message(lang)]
        if self.simulated_included:
            lines.insert(0, self.simulated_marker(lang))
        if self.simulated_left_out:
            lines.append(f"（未计入 {self.simulated_left_out} 条模拟记录）" if zh else
                         f"({self.simulated_left_out} simulated records left out)")
        for heading, rows in (("按时段" if zh else "By period", self.periods),
                              ("按操作员" if zh else "By operator", self.operators),
                              ("合计" if zh else "Total", [self.total])):
            lines += ["", heading, _text_table(rows, lang, self.row_label)]
        if self.errors_by_kind:
            lines += ["", "错误类型" if zh else "Errors by kind"]
            lines += [f"  {error_kind_label(k, lang)}: {n}"
                      for k, n in self.errors_by_kind.most_common()]
        return "\n".join(lines)


def _text_table(rows: list[Tally], lang: str, label: Callable[[Tally, str], str]) -> str:
    titles = [column_title(c, lang) for c in TABLE_COLUMNS]
    body = [[for_terminal(cell(t, c)) for c in TABLE_COLUMNS] for t in rows]
    body = [[for_terminal(label(rows[i], lang)), *row[1:]] for i, row in enumerate(body)]
    widths = [max(len(r[i]) for r in [titles, *body]) for i in range(len(titles))]
    return "\n".join("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip()
                     for r in [titles, *body])


def column_title(column: str, lang: str = "en") -> str:
    return COLUMN_TITLES[column][1 if lang.startswith("zh") else 0]


CHART_TEXTS: dict[str, tuple[str, str]] = {
    "histogram": ("Score histogram (judged checks)", "分数分布（已判定的检测）"),
    "threshold": ("threshold {threshold}", "阈值 {threshold}"),
    "mixed": ("mixed", "混合"),  # a bar the threshold cuts through
    "pass_rate": ("Pass rate over time", "通过率变化"),
    "calls": ("Calls spent and saved", "调用次数：花费与节省"),
    "spent": ("spent", "花费"), "reused": ("reused", "复用"),
    "not_sent": ("held or refused", "暂缓或拒收"),  # never sent: a call saved
    "errors": ("Errors by kind", "错误类型"),
    "no_data": ("No records in this range", "此范围内没有记录"),
    "no_errors": ("No errors in this range", "此范围内没有错误"),
    "simulated_mark": ("SIMULATED — {count} sandbox records included: simulated scores, not "
                       "liveness judgements",
                       "模拟数据 — 含 {count} 条沙箱记录：分数为模拟值，不是活体判断"),
    "simulated_watermark": ("SIMULATED", "模拟数据"),
    "by_period": ("By period", "按时段"), "by_operator": ("By operator", "按操作员"),
    "total": ("Total", "合计"), "operators": ("Operators", "操作员"),
    "range": ("Date range", "日期范围"), "trail": ("Audit trail", "审计记录"),
    "simulated_out": ("{count} simulated records left out", "未计入 {count} 条模拟记录"),
    "simulated_in": ("Simulated records included", "已计入模拟记录"),
    "generated": ("Generated {time}", "生成于 {time}"),
}


def chart_text(key: str, lang: str = "en") -> str:
    return CHART_TEXTS[key][1 if lang.startswith("zh") else 0]


ERROR_KINDS: dict[str, tuple[str, str]] = {
    "network": ("Network", "网络"), "service": ("Service", "服务"),
    "signature": ("Credentials / signature", "凭据 / 签名"), "request": ("Request", "请求"),
    # A photo the service refused once sent; one refused before sending is no error.
    "image": ("Photo refused by the service", "服务拒收照片"), "throttle": ("Throttled", "限流"),
    "protocol": ("Bad answer", "应答异常"), "internal": ("Internal", "内部错误"),
    "other": ("Other", "其他"),
}


def error_kind_label(kind: str, lang: str = "en") -> str:
    texts = ERROR_KINDS.get(kind, ERROR_KINDS["other"])  # never a raw key on screen
    return texts[1 if lang.startswith("zh") else 0]


def error_kind(record: Record) -> str:
    try:
        if record.problem_key is not None:
            return local_problem(record.problem_key).group
        if record.code not in (None, 0):
            return service_problem(record.code).group
    except (KeyError, ValueError):
        pass
    return "other"


def period_label(moment: float, by: str) -> str:
    day = datetime.fromtimestamp(moment).date()
    if by == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()


def build_report(history: History, options: ReportOptions) -> Report:
    query = Query(since=options.since, until=options.until, operators=options.operators,
                  kinds=[Kind.CHECK.value, Kind.DECISION.value],
                  simulated=None if options.include_simulated else False,
                  sort="at", descending=False)
    total = Tally("total")
    periods: dict[str, Tally] = {}
    operators: dict[str, Tally] = {}
    errors: Counter[str] = Counter()
    thresholds: Counter[float] = Counter()
    histogram = [0] * HISTOGRAM_BINS
    altered = simulated = 0
    # Each hold's tallies count it as a call saved, until the trail's own rule (the History's
    # "held, not sent" filter) says the photo was sent after all: by anyone, at any time.
    holds: dict[str, list[Tally]] = {}
    for record in history.stream(query):
        label = period_label(record.at, options.by)
        # Grouped by the name as the core records it now (NFC, no bidi controls): "José"
        # in two forms is one operator, and "\u202enimda" cannot pose as "admin".
        who = operator_name(record.operator) or f"({for_terminal(record.os_user)})"
        tallies = (total, periods.setdefault(label, Tally(label)),
                   operators.setdefault(who, Tally(who)))
        for tally in tallies:
            tally.add(record)
        unsent = never_sent(record)
        if unsent == "held":
            holds[record.id] = list(tallies)
        if record.kind != Kind.CHECK:
            continue
        simulated += int(record.simulated)
        if unsent:
            continue  # neither a judgement nor an error: no threshold, no error kind
        if _finite(record.threshold):
            thresholds[record.threshold] += 1  # type: ignore[index]
        if record.verdict == "error":
            errors[error_kind(record)] += 1
        elif _finite(record.score):
            histogram[min(HISTOGRAM_BINS - 1, max(0, int(record.score // 5)))] += 1  # type: ignore[operator]
        elif record.score is not None:
            # NaN, infinity or text cannot be written by the desk: the trail was altered, and
            # the chain (verified below) says so; the figures leave the value out.
            altered += 1
    if holds:
        still_held = {r.id for r in history.stream(replace(query, kinds=[Kind.CHECK.value],
                                                           state="held"))}
        for record_id, held_tallies in holds.items():
            if record_id not in still_held:
                for tally in held_tallies:
                    tally.held_unsent -= 1
    left_out = 0
    if not options.include_simulated:
        left_out = history.count(Query(since=options.since, until=options.until,
                                       operators=options.operators, simulated=True,
                                       kinds=[Kind.CHECK.value]))
    return Report(options=options, total=total, periods=[periods[k] for k in sorted(periods)],
                  operators=[operators[k] for k in sorted(operators)], errors_by_kind=errors,
                  histogram=histogram, chain=_chain(history, altered), simulated_left_out=left_out,
                  threshold=options.threshold if options.threshold is not None else
                  (thresholds.most_common(1)[0][0] if thresholds else DEFAULT_THRESHOLD),
                  simulated_included=simulated)


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def _chain(history: History, impossible_scores: int) -> ChainState:
    """The chain as verified; impossible scores alone already make the trail altered."""
    state = history.verify()
    if state.intact and impossible_scores:
        return ChainState(state.count, False, problem="impossible_scores",
                          detail=str(impossible_scores))
    return state


def write_csv(report: Report, path: str | Path, lang: str = "en") -> int:
    """The report's tables as one CSV: a section column says which table a row belongs to.
    What a reader must know first (simulated figures, an altered trail) is on the first
    lines, before the header. Returns how many rows follow the header."""
    zh = lang.startswith("zh")
    rows: list[list[object]] = []
    for section, tallies in (("period", report.periods), ("operator", report.operators),
                             ("total", [report.total])):
        rows += [[section, safe_cell(report.row_label(tally, lang)),
                  *(_raw(tally, c) for c in TABLE_COLUMNS[1:])] for tally in tallies]
    rows += [["error_kind", error_kind_label(kind, lang), count]
             for kind, count in report.errors_by_kind.most_common()]
    rows += [["score_histogram", f"{index * 5}-{index * 5 + 5}", count]
             for index, count in enumerate(report.histogram)]
    rows.append(["chain", report.chain.message("zh" if zh else "en")])
    with atomic_private(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        if report.simulated_included:  # like an altered trail's marker in an export
            writer.writerow([f"# {report.simulated_marker(lang)}"])
        if not report.chain.intact:
            writer.writerow([altered_marker(report.chain, lang)])
        writer.writerow(["section", *TABLE_COLUMNS])
        writer.writerows(rows)
    return len(rows)


def _raw(tally: Tally, column: str) -> object:
    value = getattr(tally, column)
    if value is None:
        return ""
    if isinstance(value, float):
        return round(value, 4)
    return safe_cell(value)
