"""Tick files (the formats `ifm train` and `ifm replay` read) and the sequence alignment of `ifm train`.

Two text layouts, one line per tick; blank lines and lines starting with '#' are skipped:
  - the Pong layout: comma-separated inputs, a TAB, comma-separated targets;
  - CSV, optionally with a header line of column names (then inputs and targets are picked by name).
"""
import math
from dataclasses import dataclass

import numpy as np

MAX_LINE = 1 << 20


class DataFormatError(ValueError):
    """A malformed tick file; the message names the file and the line."""


@dataclass
class TickTable:
    source: str
    names: list            # header names, or None
    values: np.ndarray     # (rows, width) float32
    targets: np.ndarray    # (rows, target width) float32; width 0 without a TAB part

    def select(self, columns):
        if self.names is None:
            raise DataFormatError(f"{self.source}: has no header line, so columns cannot be found by name")
        idx = []
        for c in columns:
            if c not in self.names:
                raise DataFormatError(f"{self.source}: no column named '{c}' (columns: {', '.join(self.names)})")
            idx.append(self.names.index(c))
        return self.values[:, idx]


def _fields(text, source, line_no, what):
    out = []
    for part in text.split(","):
        p = part.strip()
        try:
            v = float(p)
        except ValueError:
            raise DataFormatError(f"{source}:{line_no}: {what} '{p}' is not a number") from None
        if not math.isfinite(v):
            raise DataFormatError(f"{source}:{line_no}: {what} '{p}' is not finite")
        out.append(v)
    return out


def _numeric(text):
    try:
        float(text.split(",")[0].strip())
        return True
    except ValueError:
        return False


def read_ticks(path):
    """Reads a tick file into a TickTable (errors name the file and line)."""
    names, values, targets = None, [], []
    width = target_width = -1
    first = 0
    try:
        f = open(path, "r", encoding="utf-8")
    except FileNotFoundError:
        raise DataFormatError(f"data file '{path}' does not exist") from None
    with f:
        for line_no, line in enumerate(f, 1):
            if len(line) > MAX_LINE:
                raise DataFormatError(f"{path}:{line_no}: line is longer than {MAX_LINE} characters")
            t = line.strip()
            if not t or t[0] == "#":
                continue
            tab = t.find("\t")
            inp, tgt = (t[:tab], t[tab + 1:]) if tab >= 0 else (t, None)
            if width < 0 and names is None and tab < 0 and not _numeric(inp):
                names = [s.strip() for s in inp.split(",")]
                if any(not s for s in names):
                    raise DataFormatError(f"{path}:{line_no}: header has an empty column name")
                if len(set(names)) != len(names):
                    raise DataFormatError(f"{path}:{line_no}: header names a column twice")
                width = len(names)
                continue
            row = _fields(inp, path, line_no, "value")
            trow = _fields(tgt, path, line_no, "target") if tgt is not None else []
            if not values:
                if names is not None and len(row) != width:
                    raise DataFormatError(f"{path}:{line_no}: {len(row)} values, but the header names {width} columns")
                width, target_width, first = len(row), len(trow), line_no
            else:
                if len(row) != width:
                    raise DataFormatError(f"{path}:{line_no}: {len(row)} values, expected {width} (as on line {first})")
                if len(trow) != target_width:
                    raise DataFormatError(f"{path}:{line_no}: {len(trow)} target values after the TAB, expected {target_width} (as on line {first})")
            values.append(row)
            targets.append(trow)
    if not values:
        raise DataFormatError(f"{path}: contains no data lines")
    return TickTable(path, names, np.asarray(values, np.float32), np.asarray(targets, np.float32).reshape(len(values), max(target_width, 0)))


@dataclass
class TickSequence:
    """One recorded sequence: inputs (T, I) and targets (T, O), float32."""
    source: str
    inputs: np.ndarray
    targets: np.ndarray

    @property
    def ticks(self):
        return int(self.inputs.shape[0])

    def slice(self, start, count, source=None):
        return TickSequence(source or self.source, self.inputs[start:start + count], self.targets[start:start + count])

    def shift_targets(self, ahead):
        """Inputs of tick t paired with the targets of tick t + ahead (the last `ahead` ticks are dropped)."""
        if ahead == 0:
            return self
        if ahead >= self.ticks:
            raise DataFormatError(f"{self.source}: {self.ticks} ticks, too few to predict {ahead} ticks ahead")
        return TickSequence(self.source, self.inputs[:-ahead], self.targets[ahead:])

    def average_targets(self, span):
        """The target of tick t becomes the mean of the targets of ticks t .. t + span - 1 (summed in double, as ifm train)."""
        if span == 1:
            return self
        if span > self.ticks:
            raise DataFormatError(f"{self.source}: {self.ticks} ticks, too few to average targets over {span}")
        n = self.ticks - span + 1
        c = np.cumsum(np.vstack([np.zeros((1, self.targets.shape[1])), self.targets.astype(np.float64)]), axis=0)
        y = ((c[span:span + n] - c[:n]) / span).astype(np.float32)
        return TickSequence(self.source, self.inputs[:n], y)

    def repeat_rows(self, times):
        if times == 1:
            return self
        return TickSequence(self.source, np.repeat(self.inputs, times, axis=0), np.repeat(self.targets, times, axis=0))


def load_sequence(path, input_columns=None, target_columns=None):
    """A tick file as a TickSequence: the Pong layout, or CSV with a header whose columns are chosen by name."""
    t = read_ticks(path)
    if t.names is not None:
        if not input_columns or not target_columns:
            raise DataFormatError(f"{path}: a CSV file with a header needs the input and target column names (columns: {', '.join(t.names)})")
        return TickSequence(path, t.select(input_columns), t.select(target_columns))
    if t.targets.shape[1] == 0:
        raise DataFormatError(f"{path}: lines have no targets: write 'inputs<TAB>targets' per tick, or CSV with a header naming the columns")
    return TickSequence(path, t.values, t.targets)


def read_outputs_csv(path):
    """The CSV `ifm replay` writes: tick, then one column per output channel. Returns (ticks, names, values)."""
    with open(path, encoding="utf-8") as f:
        header = f.readline().strip().split(",")
        rows = [list(map(float, line.split(","))) for line in f if line.strip()]
    a = np.asarray(rows, np.float64)
    return a[:, 0].astype(np.int64), header[1:], a[:, 1:]
