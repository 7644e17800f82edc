"""The live page's kernel: IPython inside Pyodide, in a Web Worker (browser/live/worker.js).

Cells run in one IPython shell per page (one namespace), as in JupyterLab: the value of a cell's
last expression is shown, ``display()`` works, matplotlib figures come out as PNG (the inline
backend), errors come with their traceback. Every output is handed to the page as a Jupyter output
dict (JSON text) through ``emit``, which the worker sets. What a widget's ``Output`` shows while
it is entered (``with output:``) goes into that widget's ``outputs``, as with a real kernel, so that
the page can show a widget's new picture (``widget_set``).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import sys
import time

# matplotlib arrives after the kernel starts (browser/live/worker.js loads it in the background), so
# the inline backend is named here, as ipykernel does: when pyplot is first imported it loads
# matplotlib_inline's backend, which hooks itself into the shell (figures shown at the end of a cell).
os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
# The worker builds matplotlib's font list in the background; a cell that gets there first would show
# matplotlib's notice about it, which no stored output has.
logging.getLogger("matplotlib.font_manager").addFilter(
    lambda record: "building the font cache" not in record.getMessage())

from IPython.core.displayhook import DisplayHook  # noqa: E402
from IPython.core.displaypub import DisplayPublisher  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402
from traitlets.config import Config  # noqa: E402

emit = None  # set by the worker: a JS function taking one JSON string
_capture: list = []  # ipywidgets Output widgets entered with `with output:`, innermost last


def _clean(data: dict) -> dict:
    out = {}
    for mime, value in (data or {}).items():
        if isinstance(value, bytes):
            value = base64.b64encode(value).decode("ascii")
        out[mime] = value
    return out


def send(output: dict) -> None:
    if _capture:
        widget = _capture[-1]
        outputs = list(widget.outputs)
        if (output["output_type"] == "stream" and outputs and outputs[-1].get("output_type") == "stream"
                and outputs[-1].get("name") == output["name"]):
            outputs[-1] = {**outputs[-1], "text": outputs[-1]["text"] + output["text"]}
        else:
            outputs.append(output)
        widget.outputs = tuple(outputs)
        return
    if emit is not None:
        emit(json.dumps(output, default=str))


class Stream:
    """sys.stdout / sys.stderr: every write becomes a stream output."""

    encoding = "utf-8"

    def __init__(self, name: str):
        self.name = name

    def write(self, text) -> int:
        if text:
            send({"output_type": "stream", "name": self.name, "text": str(text)})
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class BookDisplayHook(DisplayHook):
    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        send({"output_type": "execute_result", "data": _clean(format_dict), "metadata": md_dict or {},
              "execution_count": self.prompt_count})

    def finish_displayhook(self):
        pass


class BookDisplayPublisher(DisplayPublisher):
    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
        send({"output_type": "display_data", "data": _clean(data), "metadata": metadata or {}})

    def clear_output(self, wait=False):
        if _capture:
            _capture[-1].outputs = ()
        elif emit is not None:
            emit(json.dumps({"output_type": "clear"}))


class BookShell(InteractiveShell):
    def enable_gui(self, gui=None):
        pass  # no GUI event loop in a worker: figures come out through the inline backend


_config = Config()
_config.HistoryManager.enabled = False  # no SQLite history file: the page keeps no history between visits
shell = BookShell.instance(config=_config, displayhook_class=BookDisplayHook, display_pub_class=BookDisplayPublisher)
for tb in (shell.InteractiveTB, shell.SyntaxTB):
    tb.set_colors("NoColor")


def _showtraceback(etype, evalue, stb):
    send({"output_type": "error", "ename": getattr(etype, "__name__", str(etype)), "evalue": str(evalue),
          "traceback": list(stb)})


shell._showtraceback = _showtraceback
sys.stdout, sys.stderr = Stream("stdout"), Stream("stderr")


def _patch_widgets() -> None:
    """ipywidgets' Output widget captures what is displayed inside ``with output:``."""
    import ipywidgets

    def enter(self):
        _capture.append(self)
        return self

    def exit_(self, etype, evalue, tb):
        if self in _capture:
            _capture.remove(self)
        if etype is not None:
            # as ipykernel does: the error shows in the widget and does not propagate
            stb = shell.InteractiveTB.structured_traceback(etype, evalue, tb)
            self.outputs = (*self.outputs, {"output_type": "error", "ename": etype.__name__,
                                            "evalue": str(evalue), "traceback": list(stb)})
            return True
        return False

    def clear(self, *args, **kwargs):
        self.outputs = ()

    ipywidgets.Output.__enter__ = enter
    ipywidgets.Output.__exit__ = exit_
    ipywidgets.Output.clear_output = clear


class _PatchOnImport:
    """A meta-path finder that patches ipywidgets (``_patch_widgets``) as soon as it is imported."""

    def find_spec(self, name, path=None, target=None):
        if name != "ipywidgets":
            return None
        import importlib.util

        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            sys.meta_path.insert(0, self)  # not installed yet (it arrives in the background): next time
            return None
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            _patch_widgets()

        spec.loader.exec_module = exec_module
        return spec


if "ipywidgets" in sys.modules:
    _patch_widgets()
else:
    sys.meta_path.insert(0, _PatchOnImport())


def run_cell(code: str) -> str:
    """Run one cell; the outputs go out through ``emit`` as they come."""
    start = time.perf_counter()
    result = shell.run_cell(code, store_history=True)
    error = result.error_before_exec or result.error_in_exec
    missing = getattr(error, "name", None) if isinstance(error, ModuleNotFoundError) else None
    return json.dumps({"ok": error is None, "seconds": time.perf_counter() - start,
                       "count": shell.execution_count - 1, "missing": missing})


# ------------------------------------------------------------------ live widgets
_KEYS = ("value", "index", "min", "max", "step", "base", "disabled", "_options_labels", "description")


def _widget(model_id: str):
    from ipywidgets.widgets.widget import _instances

    box = _instances.get(model_id)
    if box is None or not hasattr(box, "controls") or not hasattr(box, "output"):
        return None
    return box


def _states(box) -> list[dict]:
    states = []
    for control in box.controls.values():
        state = control.get_state()
        states.append({k: state[k] for k in _KEYS if k in state})
    return states


def widget_info(model_id: str) -> str:
    """The controls of a live widget (relubook.widgets.live's box), or null when it is none."""
    box = _widget(model_id)
    if box is None:
        return "null"
    return json.dumps({"controls": _states(box), "keys": list(box.controls)})


def widget_set(model_id: str, changes: str) -> str:
    """Set the controls the reader moved, let the widget's own update function draw, return its outputs."""
    box = _widget(model_id)
    if box is None:
        return json.dumps({"error": f"no live widget {model_id}"})
    start = time.perf_counter()
    controls = list(box.controls.values())
    moved = False
    for change in json.loads(changes):
        control = controls[change["i"]]
        if "index" in change and control.index != change["index"]:
            control.index = change["index"]
            moved = True
        elif "value" in change and control.value != change["value"]:
            control.value = change["value"]
            moved = True
    if not moved:
        box.redraw()
    return json.dumps({"outputs": list(box.output.outputs), "controls": _states(box),
                       "seconds": time.perf_counter() - start}, default=str)
