"""Helpers shared by the process tests."""
import signal
import subprocess


def stop(process, timeout=30):
    """Ends a still-running soukd: SIGTERM, then SIGKILL if it does not exit in time."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
