"""The write turn: SQLite's one write lock handed out in arrival order inside a process."""

from __future__ import annotations

import threading
import time

import pytest

from kinmyaku.storage.write_turn import WriteTurn, turn_for


def _wait_until(condition: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


def test_waiters_get_the_turn_in_the_order_they_came() -> None:
    turn = WriteTurn()
    assert turn.acquire(time.monotonic() + 1)
    order: list[int] = []

    def writer(n: int) -> None:
        assert turn.acquire(time.monotonic() + 30)
        order.append(n)
        turn.release()

    threads = []
    for n in range(8):  # each queued before the next starts
        thread = threading.Thread(target=writer, args=(n,))
        thread.start()
        threads.append(thread)
        _wait_until(lambda n=n: turn.waiting() == n + 1)
    turn.release()
    for thread in threads:
        thread.join(timeout=30)
    assert order == list(range(8))
    assert turn.served == 9 and turn.waiting() == 0


def test_a_waiter_past_its_deadline_leaves_the_queue() -> None:
    turn = WriteTurn()
    assert turn.acquire(time.monotonic() + 1)
    outcome: list[bool] = []
    impatient = threading.Thread(
        target=lambda: outcome.append(turn.acquire(time.monotonic() + 0.1))
    )
    impatient.start()
    impatient.join(timeout=10)
    assert outcome == [False] and turn.waiting() == 0
    patient = threading.Thread(
        target=lambda: outcome.append(turn.acquire(time.monotonic() + 10) and not turn.release())
    )
    patient.start()
    _wait_until(lambda: turn.waiting() == 1)
    turn.release()
    patient.join(timeout=10)
    assert outcome == [False, True]
    assert turn.acquire(time.monotonic() + 1)  # free again


def test_the_holder_is_not_queued_behind_itself() -> None:
    turn = WriteTurn()
    assert turn.acquire(time.monotonic() + 1)
    assert turn.acquire(time.monotonic() + 1) and turn.held()
    turn.release()
    assert turn.held()
    turn.release()
    assert not turn.held()
    with pytest.raises(RuntimeError):
        turn.release()


def test_one_turn_a_file_in_a_process() -> None:
    assert turn_for("/tmp/a.sqlite3") is turn_for("/tmp/a.sqlite3")
    assert turn_for("/tmp/a.sqlite3") is not turn_for("/tmp/b.sqlite3")
