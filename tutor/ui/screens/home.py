"""Home: every course and lesson with the learner's progress, broken files with their errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tutor.content.discover import BUILTIN_NAME
from tutor.content.model import BrokenLesson, Lesson
from tutor.i18n import t
from tutor.safe_text import visible
from tutor.ui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from tutor.ui.app import TutorApp

MARKS = {"done": "✓", "in progress": "◐", "not started": "·"}
KEYS = [("enter", "key.open"), ("c", "key.continue"), ("l", "key.language"), ("?", "key.help"), ("q", "key.quit")]

# What an option opens: a lesson at a step, a broken file's errors, or the learner's record.
Target = tuple[Lesson, int] | Lesson | BrokenLesson | str


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding("c", "continue", show=False),
        Binding("l", "language", show=False),
        Binding("q", "app.quit", show=False),
    ]
    DEFAULT_CSS = """
    HomeScreen #title { height: 1; background: $primary; color: $text; text-style: bold; padding: 0 1; }
    HomeScreen OptionList, HomeScreen OptionList:focus { height: 1fr; border: none; }
    HomeScreen #detail { height: auto; max-height: 8; padding: 0 1; color: $text-muted; }
    HomeScreen #legend { height: 1; padding: 0 1; color: $text-muted; }
    """

    @property
    def tutor(self) -> TutorApp:
        return cast("TutorApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        yield OptionList(id="lessons")
        yield Static("", id="detail")
        yield Static(id="legend")
        yield KeyBar(KEYS, self.tutor.lang)

    def on_mount(self) -> None:
        self.watch(self.tutor, "lang", self.show_language, init=False)

    def on_screen_resume(self) -> None:
        # when first shown, and back from a lesson (its marks may have changed)
        self.show_language(self.tutor.lang)

    def show_language(self, lang: str) -> None:
        self.query_one("#title", Static).update(t("app.title", lang))
        self.query_one("#legend", Static).update(t("home.legend", lang))
        self.query_one(KeyBar).lang = lang
        self.fill()

    def fill(self) -> None:
        app = self.tutor
        lang = app.lang
        options = self.query_one("#lessons", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        self.targets: dict[str, Target] = {}
        lessons = app.all_lessons()
        resume = app.continue_point()
        if resume is not None:
            lesson, step = resume
            self.targets["continue"] = (lesson, step)
            started = app.store.last() is not None
            label = t("home.continue", lang, title=visible(lesson.title), step=step + 1) if started else \
                t("home.start", lang, title=visible(lesson.title))
            options.add_option(Option(Text(label, style="bold"), id="continue"))
        elif lessons:
            self.targets["continue"] = "record"
            options.add_option(Option(Text(t("shell.home.record", lang), style="bold"), id="continue"))
        if not any(course.lessons or course.broken for course in app.courses):
            options.add_option(Option(t("home.no_lessons", lang), disabled=True))
        for c, course in enumerate(app.courses):
            name = t("home.builtin", lang) if course.name == BUILTIN_NAME else visible(course.display_title)
            options.add_option(Option(Text(t("home.course", lang, name=name), style="bold underline"), disabled=True))
            for lesson in course.in_language(lang):
                line = Text(f" {MARKS[app.lesson_status(lesson)]} ")
                line.append(visible(lesson.title))
                line.append(f"  {lesson.stem}", style="dim")
                key = f"lesson-{c}-{lesson.id}"
                self.targets[key] = lesson
                options.add_option(Option(line, id=key))
            for n, broken in enumerate(course.broken):
                line = Text(" ✗ ", style="bold red")
                key_name = "home.broken.one" if len(broken.errors) == 1 else "home.broken"
                line.append(t(key_name, lang, name=visible(broken.path.name), n=len(broken.errors)))
                key = f"broken-{c}-{n}"
                self.targets[key] = broken
                options.add_option(Option(line, id=key))
        if highlighted is not None and highlighted < options.option_count:
            options.highlighted = highlighted
        else:
            enabled = [i for i in range(options.option_count) if not options.get_option_at_index(i).disabled]
            options.highlighted = enabled[0] if enabled else None
        options.focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        target = self.targets.get(event.option.id or "")
        detail = self.query_one("#detail", Static)
        if isinstance(target, BrokenLesson):
            text = Text(t("home.broken.detail", self.tutor.lang, path=visible(str(target.path))) + "\n", style="bold")
            for error in target.errors:
                text.append(visible(str(error)) + "\n", style="red")
            detail.update(text)
        else:
            detail.update("")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.open(self.targets.get(event.option.id or ""))

    def action_continue(self) -> None:
        self.open(self.targets.get("continue"))

    def open(self, target: Target | None) -> None:
        if isinstance(target, tuple):
            self.tutor.open_lesson(*target)
        elif isinstance(target, Lesson):
            self.tutor.open_lesson(target)
        elif target == "record":
            from tutor.ui.screens.completion import CompletionScreen

            self.app.push_screen(CompletionScreen(self.tutor.store, self.tutor.all_lessons(), self.tutor.lang))

    def action_language(self) -> None:
        self.tutor.lang = "zh" if self.tutor.lang == "en" else "en"
