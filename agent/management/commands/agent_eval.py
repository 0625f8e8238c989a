"""manage.py agent_eval: score the rule-based or LLM item parser against agent/eval/prompts.jsonl, or
(--questions) Min Search against agent/eval/questions.jsonl."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from agent import question_eval
from agent.evaluation import Parser, evaluate, load_cases, markdown_table

# The rule-based parser is what runs without an LLM key, so it must stay good enough to be the default.
RULES_THRESHOLDS = {"item_type": 0.9, "status": 0.9, "item_received_date": 0.8}
QUESTIONS_THRESHOLD = 0.9  # of the questions the question parser was written against ("seen")


class Command(BaseCommand):
    help = "Score an item parser against the hand-written prompts; fails when the rules parser falls below target."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--parser", choices=("rules", "llm"), default="rules", help="Which parser to score.")
        parser.add_argument("--verbose", action="store_true", help="Also list every field the parser got wrong.")
        parser.add_argument("--questions", action="store_true", help="Score Min Search's answers instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["questions"]:
            return self._questions(options)
        parse = self._parser(options["parser"])
        cases = load_cases()
        report = evaluate(parse, cases)
        # The web app's Quick Add prompts state every field, so the name must come out exactly as typed.
        quick_add = evaluate(parse, [case for case in cases if case.group == "quick_add"], exact_names=True)
        self.stdout.write(f"Parser: {options['parser']}, prompts: {report['total']}\n")
        self.stdout.write(markdown_table(report))
        self.stdout.write(f"\nQuick Add prompts (names exact): {quick_add['total']}\n")
        self.stdout.write(markdown_table(quick_add))
        if options["verbose"]:
            misses = report["misses"] + [miss for miss in quick_add["misses"] if miss not in report["misses"]]
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
                f"Quick Add {field} {score['accuracy']:.1%} < 100%"
                for field, score in quick_add["fields"].items()
                if score["correct"] < score["total"]
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
        if options["parser"] == "rules":
            from agent.questions import answer_question as answer
        else:
            from agent.graph import default_chat_model
            from agent.search_agent import llm_answer

            model = default_chat_model()
            if model is None:
                raise CommandError("LLM answers need OPENAI_API_KEY")

            def answer(user: Any, question: str) -> Any:
                return llm_answer(user, question, model)

        report = question_eval.evaluate(answer, question_eval.load_questions())
        self.stdout.write(f"Min Search answers: {options['parser']}\n")
        self.stdout.write(question_eval.markdown_table(report))
        if options["verbose"]:
            for miss in report["misses"]:
                self.stdout.write(f"- {miss['question']!r}: expected {miss['expect']}, got {miss['answer']!r}")
        seen = question_eval.accuracy(report, "seen")
        if options["parser"] == "rules" and seen < QUESTIONS_THRESHOLD:
            raise CommandError(
                f"Question parser below target: {seen:.1%} < {QUESTIONS_THRESHOLD:.0%} of seen questions"
            )
