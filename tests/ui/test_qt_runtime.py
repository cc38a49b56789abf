"""The Qt binding must not corrupt reference counts in the calls the charts make.

PySide6 6.12.0 drops a reference to True/False on every pyqtgraph range
change; a long-running wall then aborts. Run in a child process, since the
failure is a fatal error, not an exception.
"""

import os
import subprocess
import sys

CODE = """
import sys
import pyqtgraph as pg
from PySide6.QtWidgets import QApplication
app = QApplication([])
widget = pg.PlotWidget()
plot = widget.getPlotItem()
curve = plot.plot([0.0], [0.0])
before = sys.getrefcount(True)
for i in range(5000):
    plot.setXRange(-60 - i % 2, 0, padding=0)
    curve.setData([0.0, 1.0], [float(i), 1.0])
    app.processEvents()
print(sys.getrefcount(True) - before)
"""


def test_chart_range_changes_keep_reference_counts_intact():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert int(out.stdout.strip()) >= -100  # small drift is GC noise; a leak is thousands
