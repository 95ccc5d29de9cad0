"""Reading cells share one look at the account only while that look cannot be out of date."""

from __future__ import annotations

from labcheck.notebook.one_look import SHARE_SECONDS, SharedLook


class Account:
    """Counts the looks taken; each look is numbered."""

    def __init__(self) -> None:
        self.looks = 0
        self.now = 100.0

    def collect(self) -> int:
        self.looks += 1
        return self.looks


def run_cell(shared: SharedLook[int], account: Account, source: str, way: str = "code") -> int:
    shared.on_cell(source)
    return shared.get((way, None), account.collect)


def new_look() -> tuple[SharedLook[int], Account]:
    account = Account()
    return SharedLook(clock=lambda: account.now), account


def test_consecutive_check_cells_share_one_look() -> None:
    shared, account = new_look()
    seen = [run_cell(shared, account, f'lab.check("task1.{name}")') for name in "abc"]
    seen.append(run_cell(shared, account, 'labcheck.grade("task1", way=WAY)'))
    assert seen == [1, 1, 1, 1] and account.looks == 1


def test_task_4s_table_after_its_checks_shares_their_look() -> None:
    shared, account = new_look()
    run_cell(shared, account, "lab.plot()")
    run_cell(shared, account, 'lab.check("task4.duration-falls")')
    assert run_cell(shared, account, "labcheck.memory_table(way=WAY)") == 1


def test_any_other_cell_in_between_means_a_new_look() -> None:
    shared, account = new_look()
    run_cell(shared, account, 'lab.check("task1.memory")')
    shared.on_cell(
        "lam.update_function_configuration(FunctionName='resize_image', MemorySize=1024)"
    )
    assert run_cell(shared, account, 'lab.check("task1.runtime")') == 2


def test_running_the_same_cell_again_looks_again() -> None:
    shared, account = new_look()
    assert run_cell(shared, account, 'lab.check("task1.memory")') == 1
    assert run_cell(shared, account, 'lab.check("task1.memory")') == 2  # after a console fix


def test_a_pause_longer_than_a_run_all_means_a_new_look() -> None:
    shared, account = new_look()
    run_cell(shared, account, 'lab.check("task1.memory")')
    account.now += SHARE_SECONDS + 1
    assert run_cell(shared, account, 'lab.check("task1.runtime")') == 2


def test_another_way_of_grading_is_another_look() -> None:
    shared, account = new_look()
    run_cell(shared, account, 'lab.check("task1.memory")', way="code")
    assert run_cell(shared, account, 'lab.check("task1.runtime")', way="console") == 2
