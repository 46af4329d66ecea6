"""Home: every course and lesson with the learner's progress, broken files with their errors."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tutor.content.discover import BUILTIN_NAME
from tutor.content.model import BrokenLesson, Lesson
from tutor.i18n import t
from tutor.ui.widgets.keybar import KeyBar

MARKS = {"done": "✓", "in progress": "◐", "not started": "·"}


class HomeScreen(Screen):
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

    def compose(self) -> ComposeResult:
        yield Static(t("app.title", self.app.lang), id="title")
        yield OptionList(id="lessons")
        yield Static("", id="detail")
        yield Static(t("home.legend", self.app.lang), id="legend")
        yield KeyBar(
            [("enter", "key.open"), ("c", "key.continue"), ("l", "key.language"), ("?", "key.help"), ("q", "key.quit")]
        )

    def on_screen_resume(self) -> None:
        # when first shown, and back from a lesson (its marks may have changed)
        self.fill()

    def fill(self) -> None:
        app = self.app
        lang = app.lang
        options = self.query_one("#lessons", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        self.targets: dict[str, Lesson | BrokenLesson | tuple[Lesson, int]] = {}
        resume = app.resume_point()
        if resume is not None:
            lesson, step = resume
            self.targets["continue"] = (lesson, step)
            options.add_option(Option(Text(t("home.continue", lang, title=lesson.title, step=step + 1), style="bold"), id="continue"))
        if not any(course.lessons or course.broken for course in app.courses):
            options.add_option(Option(t("home.no_lessons", lang), disabled=True))
        for c, course in enumerate(app.courses):
            name = t("home.builtin", lang) if course.name == BUILTIN_NAME else course.name
            options.add_option(Option(Text(t("home.course", lang, name=name), style="bold underline"), disabled=True))
            for lesson in course.in_language(lang):
                status = app.lesson_status(lesson)
                line = Text(f" {MARKS[status]} ")
                line.append(lesson.title)
                line.append(f"  {lesson.stem}", style="dim")
                key = f"lesson-{c}-{lesson.id}"
                self.targets[key] = lesson
                options.add_option(Option(line, id=key))
            for n, broken in enumerate(course.broken):
                line = Text(" ✗ ", style="bold red")
                key_name = "home.broken.one" if len(broken.errors) == 1 else "home.broken"
                line.append(t(key_name, lang, name=broken.path.name, n=len(broken.errors)))
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
            text = Text(t("home.broken.detail", self.app.lang, path=target.path) + "\n", style="bold")
            for error in target.errors:
                text.append(str(error) + "\n", style="red")
            detail.update(text)
        else:
            detail.update("")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        target = self.targets.get(event.option.id or "")
        if isinstance(target, tuple):
            self.app.open_lesson(*target)
        elif isinstance(target, Lesson):
            self.app.open_lesson(target, self.app.progress.step_of(target.id))

    def action_continue(self) -> None:
        target = self.targets.get("continue")
        if isinstance(target, tuple):
            self.app.open_lesson(*target)

    def action_language(self) -> None:
        self.app.lang = "zh" if self.app.lang == "en" else "en"
        self.query_one("#title", Static).update(t("app.title", self.app.lang))
        self.query_one("#legend", Static).update(t("home.legend", self.app.lang))
        self.query_one(KeyBar).refresh_keys()
        self.fill()
