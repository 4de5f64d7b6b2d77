"""`gata ask` and `gata eval-nl`: questions in plain English, and how well they are read."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from gata.cli.common import WorkspaceOption, console, err_console, print_rows, workspace_for

Interpreter = Annotated[
    str | None, typer.Option("--interpreter", help="builtin or llm (default: GATA_NL_INTERPRETER, else builtin).")
]


def _answers(workspace):
    from gata.nl.answer import AnswerService
    from gata.semantic.service import SemanticService
    from gata.semantic.store import SnapshotStore

    return AnswerService(SemanticService(SnapshotStore(workspace_for(workspace))))


def ask(
    tenant: Annotated[str, typer.Argument(help="Tenant slug.")],
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    output: Annotated[str, typer.Option("--output", help="text or json (the API's answer).")] = "text",
    interpreter: Interpreter = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Answer a question about a tenant's data through the semantic layer (exit 1 when it cannot)."""
    from pydantic import ValidationError

    from gata.nl.answer import LlmNotConfigured
    from gata.nl.schemas import AskRequest
    from gata.semantic.store import TenantNotServed

    try:
        request = AskRequest(question=question, interpreter=interpreter)
        answer = _answers(workspace).ask(tenant, request.question, interpreter=request.interpreter)
    except ValidationError as exc:
        for e in exc.errors(include_url=False):
            err_console.print(f"[red]{'.'.join(str(p) for p in e['loc'])}: {e['msg']}[/red]", highlight=False)
        raise typer.Exit(2) from None
    except TenantNotServed:
        err_console.print(f"[red]tenant '{tenant}' has no published data (run gata onboard)[/red]")
        raise typer.Exit(2) from None
    except LlmNotConfigured as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    if output == "json":
        print(answer.model_dump_json(indent=2))
    elif answer.answered:
        console.print(f"[bold]Read as[/bold] ({answer.interpreter}): {answer.explanation.text}", highlight=False)
        for note in answer.explanation.notes:
            console.print(f"  note: {note}", highlight=False)
        console.print(
            "query: " + answer.query.model_dump_json(by_alias=True, exclude_defaults=True),
            highlight=False,
            soft_wrap=True,
        )
        print_rows(answer.columns, answer.rows, f"{tenant} ({answer.row_count} rows)")
        console.print(f"chart: {answer.chart.kind}" + (f" (x: {answer.chart.x})" if answer.chart.x else ""))
    else:
        console.print(f"[yellow]{answer.message}[/yellow]", highlight=False, soft_wrap=True)
        if answer.unmapped:
            console.print("not understood: " + ", ".join(answer.unmapped), highlight=False)
        console.print("questions I can answer:")
        for s in answer.suggestions:
            console.print(f"  - {s}", highlight=False)
    if not answer.answered:
        raise typer.Exit(1)


def eval_nl(
    questions: Annotated[
        Path | None, typer.Option("--questions", help="Question set (default: the built-in one).")
    ] = None,
    min_accuracy: Annotated[
        float, typer.Option("--min-accuracy", min=0, max=1, help="Exit 1 if result-match accuracy is lower.")
    ] = 0.0,
    output: Annotated[str, typer.Option("--output", help="text or json.")] = "text",
    interpreter: Interpreter = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Accuracy of reading questions over the demo tenants, per model and split: result match, wrong
    answers (a number that is not what was asked), refusals. Default: the generated corpus (development and
    held-out phrasing families) plus the curated set; --questions: that file only."""
    from gata.nl.evaluation import corpus_cases, evaluate, load_cases

    today = datetime.now(UTC).date()
    answers = _answers(workspace)
    cases = load_cases(questions, today) if questions else corpus_cases(answers, today)
    report = evaluate(answers, cases, today, interpreter)
    if not report.outcomes:
        err_console.print("[red]no question's tenant is served in this workspace (run gata demo or onboard)[/red]")
        raise typer.Exit(2)
    splits = sorted({o.case.split for o in report.outcomes})
    if output == "json":
        print(
            json.dumps(
                {
                    "questions": len(report.outcomes),
                    "query_accuracy": report.query_accuracy,
                    "result_accuracy": report.result_accuracy,
                    "by_model": {g: f.as_dict() for g, f in report.table().items()},
                    "splits": {s: {g: f.as_dict() for g, f in report.table(s).items()} for s in splits},
                    "failures": [
                        {
                            "tenant": o.case.tenant,
                            "question": o.case.question,
                            "family": o.case.family,
                            "split": o.case.split,
                            "detail": o.detail,
                            "produced": o.produced,
                        }
                        for o in report.failures()
                    ],
                },
                indent=2,
            )
        )
    else:
        for split in splits:
            table = Table(
                "model", "questions", "result match", "wrong", "refused", "query match", title=f"{split} ({today})"
            )
            for g, f in report.table(split).items():
                row = [f"{f.share(n):.1%}" for n in (f.result, f.wrong, f.refused, f.query)]
                table.add_row(f"[bold]{g}[/bold]" if g == "overall" else g, str(f.questions), *row)
            console.print(table)
        for o in report.failures():
            kind = "wrong" if o.wrong else "refused" if o.refused else "result" if not o.result_match else "other"
            where = f"[{o.case.split}/{o.case.family}] {o.case.tenant}"
            console.print(f"[red]✗ {kind}[/red] {where}: {o.case.question!r}: {o.detail}", highlight=False)
            console.print(f"    expected {json.dumps(o.case.expected)}", highlight=False, soft_wrap=True)
            console.print(f"    produced {json.dumps(o.produced)}", highlight=False, soft_wrap=True)
        if report.skipped:
            console.print(f"skipped (not served here): {', '.join(report.skipped)}")
    if report.result_accuracy < min_accuracy:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(ask)
    app.command("eval-nl")(eval_nl)
