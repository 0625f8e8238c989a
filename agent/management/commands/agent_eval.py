"""manage.py agent_eval: score the rule-based or LLM item parser against agent/eval/prompts.jsonl, or
(--questions) Min Search against agent/eval/questions.jsonl."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from agent import question_eval
from agent.evaluation import Parser, evaluate, load_cases, markdown_table

# The rule-based parser is what runs without an LLM key, so it must stay good enough to be the default.
RULES_THRESHOLDS = {"item_type": 0.9, "status": 0.9, "item_received_date": 0.8}
QUICK_ADD_GROUPS = {"quick_add": "Quick Add prompts", "quick_add_locale": "Quick Add prompts from 18 browser locales"}
# Prompts written in Spanish and German: batch1 was written before the parser learnt the languages and it was
# built against it; batch2 was written afterwards and scored as it came. Each field must stay at its level.
LANGUAGE_GROUPS = {
    "es_batch1": "Spanish prompts, batch 1",
    "de_batch1": "German prompts, batch 1",
    "es_batch2": "Spanish prompts, batch 2 (fresh)",
    "de_batch2": "German prompts, batch 2 (fresh)",
}
LANGUAGE_THRESHOLDS: dict[str, dict[str, float]] = {
    "es_batch1": {"name": 1.0, "item_type": 0.95, "status": 1.0, "item_received_date": 1.0,
                  "ownership_duration_goal_months": 1.0},
    "de_batch1": {"name": 1.0, "item_type": 0.95, "status": 1.0, "item_received_date": 1.0,
                  "ownership_duration_goal_months": 1.0},
    "es_batch2": {"name": 0.9, "item_type": 0.85, "status": 0.95, "item_received_date": 0.95,
                  "ownership_duration_goal_months": 1.0},
    "de_batch2": {"name": 0.95, "item_type": 0.8, "status": 1.0, "item_received_date": 0.95,
                  "ownership_duration_goal_months": 1.0},
}  # fmt: skip
# Of the questions the question parser was written against ("seen") and of those it was tuned on over the
# second household ("unseen2-batch1"); the other sets are reported, not enforced.
QUESTIONS_THRESHOLDS = {
    "seen": 0.9,
    "unseen2-batch1": 0.9,
    "es_batch1": 1.0,
    "de_batch1": 0.95,
    "es_batch2": 0.8,
    "de_batch2": 0.8,
}


class Command(BaseCommand):
    help = "Score an item parser against the hand-written prompts; fails when the rules parser falls below target."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--parser", choices=("rules", "llm"), default="rules", help="Which parser to score.")
        parser.add_argument("--verbose", action="store_true", help="Also list every field the parser got wrong.")
        parser.add_argument("--questions", action="store_true", help="Score Min Search's answers instead.")
        parser.add_argument(
            "--set", action="append", dest="sets", metavar="NAME", help="With --questions: score only this set."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["questions"]:
            return self._questions(options)
        parse = self._parser(options["parser"])
        cases = load_cases()
        report = evaluate(parse, cases)
        # The web app's Quick Add prompts state every field, so the name must come out exactly as typed.
        quick_add = {
            group: evaluate(parse, [case for case in cases if case.group == group], exact_names=True)
            for group in QUICK_ADD_GROUPS
        }
        self.stdout.write(f"Parser: {options['parser']}, prompts: {report['total']}\n")
        self.stdout.write(markdown_table(report))
        languages = {
            group: evaluate(parse, [case for case in cases if case.group == group]) for group in LANGUAGE_GROUPS
        }
        for group, title in LANGUAGE_GROUPS.items():
            self.stdout.write(f"\n{title}: {languages[group]['total']}\n")
            self.stdout.write(markdown_table(languages[group]))
        for group, title in QUICK_ADD_GROUPS.items():
            self.stdout.write(f"\n{title} (names exact): {quick_add[group]['total']}\n")
            self.stdout.write(markdown_table(quick_add[group]))
        if options["verbose"]:
            quick_add_misses = [miss for group in quick_add.values() for miss in group["misses"]]
            misses = report["misses"] + [miss for miss in quick_add_misses if miss not in report["misses"]]
            if misses:
                self.stdout.write("\nMisses:")
            for miss in misses:
                self.stdout.write(
                    f"- {miss['field']}: expected {miss['expected']!r}, got {miss['actual']!r} <- {miss['prompt']}"
                )
        if options["parser"] == "rules":
            failing = [
                f"{field} {report['fields'][field]['accuracy']:.1%} < {minimum:.0%}"
                for field, minimum in RULES_THRESHOLDS.items()
                if report["fields"][field]["accuracy"] < minimum
            ]
            failing += [
                f"{QUICK_ADD_GROUPS[group]} {field} {score['accuracy']:.1%} < 100%"
                for group, group_report in quick_add.items()
                for field, score in group_report["fields"].items()
                if score["correct"] < score["total"]
            ]
            failing += [
                f"{LANGUAGE_GROUPS[group]} {field} {languages[group]['fields'][field]['accuracy']:.1%} < {minimum:.0%}"
                for group, minimums in LANGUAGE_THRESHOLDS.items()
                for field, minimum in minimums.items()
                if languages[group]["total"] and languages[group]["fields"][field]["accuracy"] < minimum
            ]
            if failing:
                raise CommandError("Rule-based parser below target: " + "; ".join(failing))

    def _parser(self, name: str) -> Parser:
        if name == "rules":
            from agent.rules import parse_prompt

            return parse_prompt
        try:
            # Imported here so that the rules parser works without the LLM stack or an API key.
            from agent.graph import llm_parse
        except Exception as error:
            raise CommandError("LLM parser needs OPENAI_API_KEY") from error
        if not getattr(settings, "OPENAI_API_KEY", None):
            raise CommandError("LLM parser needs OPENAI_API_KEY")
        return llm_parse

    def _questions(self, options: dict[str, Any]) -> None:
        from agent.questions import answer_question

        answer: Callable[[Any, str], Any] = answer_question
        if options["parser"] != "rules":
            from agent.graph import default_chat_model
            from agent.search_agent import llm_answer

            model = default_chat_model()
            if model is None:
                raise CommandError("LLM answers need OPENAI_API_KEY")
            answer = functools.partial(llm_answer, chat_model=model)

        cases = question_eval.load_questions()
        if options["sets"]:
            unknown = set(options["sets"]) - {case["set"] for case in cases}
            if unknown:
                raise CommandError(f"No questions in set {', '.join(sorted(unknown))}")
            cases = [case for case in cases if case["set"] in options["sets"]]
        report = question_eval.evaluate(answer, cases)
        self.stdout.write(f"Min Search answers: {options['parser']}\n")
        self.stdout.write(question_eval.markdown_table(report))
        if options["verbose"]:
            for miss in report["misses"]:
                self.stdout.write(
                    f"- [{miss['set']}] {miss['question']!r}: expected {miss['expect']}, got {miss['answer']!r}"
                )
        failing = [
            f"{question_eval.accuracy(report, set_name):.1%} < {minimum:.0%} of {set_name} questions"
            for set_name, minimum in QUESTIONS_THRESHOLDS.items()
            if set_name in report["sets"] and question_eval.accuracy(report, set_name) < minimum
        ]
        if options["parser"] == "rules" and failing:
            raise CommandError("Question parser below target: " + "; ".join(failing))
