"""The teacher keeps a lesson's record with the keyboard in a real browser."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from otmetka.journal.models import Attendance, Lesson, Mark, WorkKind
from otmetka.journal.tests.factories_grid import make_lesson, make_student
from otmetka.test import PASSWORD, TODAY, World
from otmetka.tests.test_browser import sign_in

pytestmark = pytest.mark.browser


def test_teacher_fills_the_journal_with_the_keyboard(
    transactional_db: None,
    world: World,
    live_server: Any,
    page: Any,  # noqa: F811
) -> None:
    second = make_student(world, "Яковлев")
    old = make_lesson(world.college.workload, TODAY - dt.timedelta(days=31), topic_text="Старое")
    sign_in(page, live_server.url, "teacher", PASSWORD)
    page.wait_for_url("**" + reverse("schedule:today"))
    grid = live_server.url + reverse(
        "journal:grid", kwargs={"workload_id": world.college.workload.pk}
    )
    page.goto(grid)
    # Add today's lesson.
    page.get_by_text("Добавить занятие", exact=True).first.click()
    page.get_by_label("Пара").fill("1")
    page.get_by_label("Тема занятия").fill("Циклы")
    page.get_by_role("button", name="Добавить занятие").click()
    page.wait_for_url("**/journal/lessons/**")
    lesson = Lesson.objects.get(topic_text="Циклы")
    # Fill its topic and homework on the lesson page.
    page.get_by_label("Домашнее задание").fill("§ 4, задачи 1–3")
    page.get_by_role("button", name="Сохранить").first.click()
    page.get_by_text("Занятие сохранено.").wait_for()
    # Type marks and an absence with the keyboard only.
    page.goto(grid)
    first_cell = page.locator(
        f'input[hx-post$="/lessons/{lesson.pk}/cells/{world.college.student.pk}/"]'
    )
    first_cell.focus()
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    page.keyboard.type("н")
    page.keyboard.press("Tab")
    page.wait_for_function("() => document.querySelectorAll('td.cell-saved').length >= 2")
    page.reload()
    body = page.content()
    assert Mark.objects.get(lesson=lesson, student=world.college.student).value == "5"
    assert Attendance.objects.get(lesson=lesson, student=second).code == "Н"
    saved = page.locator(
        f'input[hx-post$="/lessons/{lesson.pk}/cells/{world.college.student.pk}/"]'
    )
    assert saved.input_value() == "5"
    assert "§ 4" not in body  # homework lives on the lesson page, not in the grid
    # The column older than 30 days is grey and takes no input.
    header = page.locator("th.lesson.locked")
    assert header.count() == 1
    assert page.locator(f'input[hx-post*="/lessons/{old.pk}/cells/"]').count() == 0
    assert not Mark.objects.filter(lesson=old).exists()


# --- The grid is safe to type into (issue 11, point 8) ---------------------------------------

WIDE = {"width": 1000, "height": 700}
PHONE = {"width": 390, "height": 844}
DAYS = 28  # a lesson on each of the 28 days before today, all still open for changes

# Whether the focused cell shows whole: inside the grid's box, right of the names column (which
# stays in view), inside the window, and not covered by anything (what a click there hits).
FOCUS_SHOWN = """() => {
  const input = document.activeElement;
  const td = input && input.closest('td');
  if (!td || !input.matches('input[data-cell]')) { return 'no cell has the focus'; }
  const box = td.closest('.table-wrap').getBoundingClientRect();
  const name = td.parentElement.querySelector('th[scope=row]').getBoundingClientRect();
  const r = td.getBoundingClientRect();
  if (r.left < Math.max(box.left, name.right) - 1 || r.right > box.right + 1) {
    return 'off the grid: ' + r.left + '..' + r.right + ' not in ' + name.right + '..' + box.right;
  }
  if (r.top < 0 || r.bottom > window.innerHeight) { return 'off the window'; }
  const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
  return td.contains(hit) ? 'shown' : 'covered by ' + (hit && hit.outerHTML.slice(0, 60));
}"""


def _busy_journal(world: World) -> tuple[list[Any], list[Lesson]]:
    """Four students (the world's Студентов among them) and a lesson a day for four weeks."""
    students = [make_student(world, "Андреев"), make_student(world, "Борисов")]
    students += [world.college.student, make_student(world, "Яковлев")]
    lessons = [
        make_lesson(world.college.workload, TODAY - dt.timedelta(days=back), pair=1)
        for back in range(DAYS, -1, -1)
    ]
    return students, lessons


def _cell(page: Any, lesson: Lesson, student: Any) -> Any:
    return page.locator(f'input[hx-post$="/lessons/{lesson.pk}/cells/{student.pk}/"]')


def _open_grid(page: Any, live_server: Any, world: World, query: str = "") -> str:
    sign_in(page, live_server.url, "teacher", PASSWORD)
    page.wait_for_url("**" + reverse("schedule:today"))
    grid = live_server.url + reverse(
        "journal:grid", kwargs={"workload_id": world.college.workload.pk}
    )
    page.goto(grid + query)
    return grid


def _focused(page: Any) -> str:
    return str(page.evaluate("() => document.activeElement.getAttribute('hx-post') || ''"))


def _cell_url(lesson: Lesson, student: Any) -> str:
    return f"/lessons/{lesson.pk}/cells/{student.pk}/"


def test_tab_from_the_last_column_goes_down_the_column_and_wipes_nothing(
    transactional_db: None, world: World, live_server: Any, page: Any
) -> None:
    students, lessons = _busy_journal(world)
    andreev, borisov, studentov, yakovlev = students
    first, today = lessons[0], lessons[-1]
    kind = WorkKind.objects.filter(organization=world.org).first()
    assert kind is not None
    for slot in (1, 2):
        Mark.objects.create(lesson=first, student=borisov, value="4", work_kind=kind, slot=slot)
    page.set_viewport_size(WIDE)
    _open_grid(page, live_server, world)
    _cell(page, today, andreev).click()
    # Shift+Tab from the first student goes up to the column's date, not into another row.
    page.keyboard.press("Shift+Tab")
    heading = page.evaluate("() => document.activeElement.closest('th.lesson').textContent")
    assert heading == "16.11"
    page.keyboard.press("Tab")
    assert _focused(page).endswith(_cell_url(today, andreev))
    page.keyboard.type("5")
    page.keyboard.press("Tab")
    # Tab goes down today's column to the next student, never to Борисов's «4/4» far left.
    assert _focused(page).endswith(_cell_url(today, borisov))
    assert page.evaluate(FOCUS_SHOWN) == "shown"
    page.keyboard.type("н")
    page.keyboard.press("Enter")
    assert _focused(page).endswith(_cell_url(today, studentov))
    assert page.evaluate(FOCUS_SHOWN) == "shown"
    page.keyboard.press("Shift+Tab")
    assert _focused(page).endswith(_cell_url(today, borisov))
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert _focused(page).endswith(_cell_url(today, yakovlev))
    # The arrows stop at the grid's edge: today is the last column and Яковлев the last row.
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    assert _focused(page).endswith(_cell_url(today, yakovlev))
    # Walking left along the row, every cell the focus reaches shows (not under the names).
    for step in range(2, 16):
        page.keyboard.press("ArrowLeft")
        assert _focused(page).endswith(_cell_url(lessons[-step], yakovlev))
        assert page.evaluate(FOCUS_SHOWN) == "shown", step
    for step in range(14, 0, -1):
        page.keyboard.press("ArrowRight")
        assert _focused(page).endswith(_cell_url(lessons[-step], yakovlev))
        assert page.evaluate(FOCUS_SHOWN) == "shown", step
    # Tab from the last student leaves the grid: what is typed then goes into no cell.
    page.keyboard.press("Tab")
    assert page.evaluate("() => !document.activeElement.matches('input[data-cell]')")
    page.keyboard.type("н")
    page.wait_for_function("() => document.querySelectorAll('td.cell-saved').length >= 2")
    page.reload()
    kept = Mark.objects.filter(lesson=first, student=borisov).values_list("value", flat=True)
    assert sorted(kept) == ["4", "4"]
    assert _cell(page, first, borisov).input_value() == "4/4"
    assert Mark.objects.get(lesson=today, student=andreev).value == "5"
    assert Attendance.objects.get(lesson=today, student=borisov).code == "Н"
    assert list(Attendance.objects.values_list("student", flat=True)) == [borisov.pk]
    assert Mark.objects.count() == 3


def test_the_grid_opens_at_today_with_names_in_view_and_a_legend(
    transactional_db: None, world: World, live_server: Any, page: Any
) -> None:
    students, lessons = _busy_journal(world)
    page.set_viewport_size(WIDE)
    _open_grid(page, live_server, world)
    # The grid is wider than the window and opens scrolled so that today's column shows.
    scroll = page.evaluate(
        "() => { const w = document.querySelector('.table-wrap');"
        " return [w.scrollLeft, w.scrollWidth - w.clientWidth]; }"
    )
    assert scroll[1] > 500 and scroll[0] > 0
    shown = page.evaluate(
        """(href) => {
          const th = document.querySelector(`th.lesson a[href="${href}"]`).closest('th');
          const box = th.closest('.table-wrap').getBoundingClientRect();
          const names = th.parentElement.cells[0].getBoundingClientRect();
          const r = th.getBoundingClientRect();
          const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
          return r.left >= names.right - 1 && r.right <= box.right + 1 && th.contains(hit);
        }""",
        reverse("journal:lesson_detail", kwargs={"lesson_id": lessons[-1].pk}),
    )
    assert shown
    # Scrolled anywhere, the names column stays at the grid's left edge, uncovered.
    for left in (0, 300, 100_000):
        names = page.evaluate(
            """(left) => {
              const w = document.querySelector('.table-wrap');
              w.scrollLeft = left;
              const th = w.querySelector('tbody th[scope=row]');
              const r = th.getBoundingClientRect(), box = w.getBoundingClientRect();
              const hit = document.elementFromPoint(r.left + 8, (r.top + r.bottom) / 2);
              const edge = Math.round(r.left - box.left);
              return [w.scrollLeft, edge, th.contains(hit), th.textContent];
            }""",
            left,
        )
        assert names[1] <= 1 and names[2] is True, names
        assert names[3].startswith("Андреев")
    assert names[0] > 500
    legend = page.evaluate(
        "() => [...document.querySelectorAll('.journal-legend dt')]"
        ".map((dt) => [dt.textContent.trim(), dt.nextElementSibling.textContent.trim()])"
    )
    assert legend == [
        ["н", "отсутствовал (причина не указана)"],
        ["оп", "опоздал"],
        ["б", "болезнь"],
        ["от", "по приказу"],
        ["уп", "уважительная причина"],
        ["нп", "неуважительная причина"],
        ["осв", "освобождён"],
        ["зч", "зачтено"],
        ["нз", "не зачтено"],
    ]
    assert page.locator(".journal-legend").is_visible()
    # From the toolbar, Tab reaches the first lesson's date (shown, not under the names column)
    # and then that lesson's first cell, not a cell of some other column.
    page.get_by_role("link", name="Компактный вид").focus()
    page.keyboard.press("Tab")
    date = page.evaluate(
        """() => {
          const th = document.activeElement.closest('th.lesson');
          const r = th.getBoundingClientRect();
          const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
          return th.contains(hit) ? th.textContent : 'covered';
        }"""
    )
    assert date == lessons[0].date.strftime("%d.%m")
    page.keyboard.press("Tab")
    assert _focused(page).endswith(_cell_url(lessons[0], students[0]))
    assert page.evaluate(FOCUS_SHOWN) == "shown"


def test_teacher_marks_todays_lesson_on_a_phone(
    transactional_db: None, world: World, live_server: Any, browser: Any
) -> None:
    students, lessons = _busy_journal(world)
    long_name = make_student(world, "Константинопольская-Преображенская")
    students.insert(2, long_name)
    second_pair = make_lesson(world.college.workload, TODAY, pair=2, topic_text="Вторая пара")
    context = browser.new_context(
        locale="ru-RU", timezone_id="Asia/Tomsk", viewport=PHONE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        _open_grid(page, live_server, world, "?view=compact")
        # Today has two lessons and nothing is marked yet: the compact view opens at the first.
        assert "16.11.2026, 1-я пара" in page.locator("h2").first.text_content()
        cells = page.locator("table.compact input[data-cell]")
        assert cells.count() == len(students)
        posts = [cells.nth(i).get_attribute("hx-post") for i in range(cells.count())]
        assert posts == [
            reverse("journal:cell_save", kwargs={"lesson_id": lessons[-1].pk, "student_id": s.pk})
            for s in students
        ]
        # Nothing to scroll sideways: the page and every cell fit the phone's width.
        fits = page.evaluate(
            """() => [document.scrollingElement.scrollWidth, window.innerWidth,
                 Math.max(...[...document.querySelectorAll('table.compact input')]
                   .map((i) => i.getBoundingClientRect().right))]"""
        )
        assert fits[0] <= fits[1] == PHONE["width"] and fits[2] <= fits[1], fits
        cells.first.tap()
        page.keyboard.type("н")
        page.keyboard.press("Enter")
        assert _focused(page).endswith(_cell_url(lessons[-1], students[1]))
        assert page.evaluate(FOCUS_SHOWN) == "shown"
        page.keyboard.type("5")
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.querySelectorAll('td.cell-saved').length >= 2")
        assert Attendance.objects.get(lesson=lessons[-1], student=students[0]).code == "Н"
        assert Mark.objects.get(lesson=lessons[-1], student=students[1]).value == "5"
        # Enter on the last student saves and keeps the focus in that cell once it is saved.
        cells.last.tap()
        page.keyboard.type("оп")
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.querySelectorAll('td.cell-saved').length >= 3")
        assert _focused(page).endswith(_cell_url(lessons[-1], students[-1]))
        assert Attendance.objects.get(lesson=lessons[-1], student=students[-1]).code == "ОП"
        # Once the first lesson has entries, the compact view opens at the second one.
        page.reload()
        assert "2-я пара" in page.locator("h2").first.text_content()
        assert page.locator(f'input[hx-post*="/lessons/{second_pair.pk}/"]').count() == len(
            students
        )
    finally:
        context.close()
