"""Hostile-user checks of the built molrg binary (`make reliability`).

1. A table of bad inputs — flags, environment, standard input, files — each of
   which must end in a clear error: exit status 1 or 2, a message that names
   the problem, never a Go stack trace (a "goroutine", "panic:" or "fatal
   error" in the output).
2. kill -9 at random moments of every resumable command, then the same command
   again until it finishes: the results must be those of an uninterrupted run.
3. Two runs of one command on one results folder at once: one is refused, the
   results hold no duplicate rows.

usage: python3 kernels/reliability.py [--table-only] [--only COMMAND] [--molrg PATH]
"""
import argparse
import csv
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

root = Path(__file__).resolve().parent.parent
TRACE = ("goroutine ", "panic:", "fatal error", "runtime error", "[signal ")


def run(molrg, args, env=None, stdin=None, timeout=600):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([molrg] + args, input=stdin, capture_output=True, text=True, env=e, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


# --- 1. the bad-input table -------------------------------------------------

def flag_cases():
    """(command, args, what the error must mention) for every flag of every command."""
    cases = []
    bad_ints = ["0", "-1", "x", "1.5", "", "99999999999999999999"]
    bad_lists = ["", "x", "3-1", "1-2000000000", "0", "1,,2", "1-8*1", "-4"]
    per_command = {
        "phase": {"ints": ["instances", "workers", "steps"], "lists": ["n", "d", "nk", "k"],
                  "floats": ["noise", "tau"], "other": [["-methods", "adam"], ["-init", "zero"], ["-shard", "3/3"],
                                                         ["-shard", "x"], ["-out", ""], ["-seed", "-1"],
                                                         ["-k", "5", "-d", "12"], ["-nk", "1,1000000"],
                                                         ["-instances", "2000000000"], ["-n", "0"]]},
        "unet-molrg": {"ints": ["steps", "batch", "channels", "m"], "lists": ["dims"], "floats": [],
                       "other": [["-ratios", "0"], ["-ratios", "1e300"], ["-ratios", "1e11"], ["-ratios", "nan"],
                                 ["-ratios", "x"], ["-m", "100000000"], ["-dims", "30"], ["-out", ""],
                                 ["-shard", "1/1"], ["-seed", "x"], ["-channels", "6"]]},
        "rank": {"ints": ["d", "noises", "nk", "steps", "batch", "snapshots", "snapshot-every"], "lists": [],
                 "floats": ["frac"], "other": [["-out", ""], ["-d", "30"], ["-frac", "1.5"], ["-noises", "100000"]]},
        "images": {"ints": ["size", "held", "m", "sample-batch", "k", "steps", "batch", "model-channels", "noises"],
                   "lists": ["ns"], "floats": ["tau", "lr"],
                   "other": [["-data", "imagenet"], ["-data", "../mnist"], ["-copy", "ssim"], ["-grid", "-1"],
                             ["-grid", "1000"], ["-rows", "-1"], ["-size", "17"], ["-out", ""], ["-shard", "2/2"],
                             ["-seed", "x"], ["-m", "100", "-sample-batch", "200"], ["-noises", "300"],
                             ["-copy", "cosine", "-tau", "2"], ["-ns", "100000"], ["-data", "emoji-animals", "-ns", "128"],
                             ["-held", "70000", "-ns", "16"], ["-ns", "2000000"]]},
        "edit": {"ints": ["r", "max-iter", "inv-steps", "steps", "batch", "size", "n", "d", "channels"], "lists": [],
                 "floats": ["t", "xi", "tol"],
                 "other": [["-index", "-1"], ["-index", "100000"], ["-null-rank", "-1"], ["-null-rank", "256"],
                           ["-oversample", "-1"], ["-held", "-1"], ["-source", "web"], ["-mask", "1,2"],
                           ["-mask", "0,0,99,4"], ["-mask", "alpha"], ["-mask", "3,3,1,1"], ["-method", "lanczos"],
                           ["-data", "imagenet"], ["-truth", "-data", "mnist"], ["-out", ""], ["-seed", "x"],
                           ["-r", "100000"], ["-t", "0"], ["-xi", "0"], ["-tol", "1"], ["-index", "x"]]},
    }
    for cmd, spec in per_command.items():
        for f in spec["ints"]:
            for v in bad_ints:
                if f in ("workers", "steps", "snapshots", "snapshot-every") and v == "0":
                    continue  # 0 means "the default" for these
                cases.append((cmd, [f"-{f}", v], f"-{f}"))
        for f in spec["lists"]:
            for v in bad_lists:
                cases.append((cmd, [f"-{f}", v], f"-{f}"))
        for f in spec["floats"]:
            for v in ["-1", "x", "nan", "inf"]:
                if f == "noise" and v == "inf":
                    pass
                cases.append((cmd, [f"-{f}", v], f"-{f}"))
        for args in spec["other"]:
            want = args[-2] if args[:2] == ["-k", "5"] else args[0]
            if cmd == "images" and len(args) > 2:
                want = {"-data": "-ns", "-held": "-held", "-m": "-sample-batch", "-copy": "-tau"}[args[0]]
            cases.append((cmd, args, want))
        cases.append((cmd, ["-nope"], "-nope"))
        cases.append((cmd, ["stray"], "stray"))
        cases.append((cmd, ["-plot-only", "-out", "/nonexistent/folder"], "/nonexistent/folder"))
    cases.append(("edit", ["-png", "/nonexistent/x.png"], "/nonexistent/x.png"))
    cases.append(("edit", ["-classes", "nosuchclass"], "nosuchclass"))
    cases.append(("edit", ["-data", "molrg", "-source", "png", "-png", "/nonexistent/x.png"], "-source"))
    cases.append(("info", ["-x"], "-x"))
    cases.append(("info", ["extra"], "extra"))
    cases.append(("merge", [], "-out"))
    cases.append(("merge", ["-out", "/tmp/molrg-merge-x"], "no shard"))
    cases.append(("merge", ["-out", "/tmp/molrg-merge-x", "/nonexistent/phase.csv"], "phase.csv"))
    cases.append(("merge", ["-out", "/tmp/molrg-merge-x", "a/other.csv"], "other.csv"))
    cases.append(("nosuchcommand", [], "unknown command"))
    return cases


def posterior_cases():
    """(stdin, what the error must mention) for molrg posterior."""
    ok = {"bases": [[[1, 0, 0]]], "sigma": 0.5, "points": [[1, 2, 3]]}

    def with_(**kw):
        d = dict(ok)
        d.update(kw)
        return json.dumps(d)

    return [
        ("", "empty"),
        ("{", "JSON"),
        ("[]", "JSON"),
        ('{"bases": 1}', "JSON"),
        ('{"unknown": 1}', "unknown"),
        (json.dumps(ok) + " {}", "after the object"),
        (with_(bases=[]), '"bases"'),
        (with_(bases=[[]]), '"bases"'),
        (with_(bases=[[[1, 1, 0]]]), "orthonormal"),
        (with_(bases=[[[1, 0, 0]], [[1, 0]]]), "length"),
        (with_(bases=[[[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0]]]), "d_0"),
        (with_(pi=[0.5, 0.5]), '"pi"'),
        (with_(pi=[-1]), '"pi"'),
        (with_(pi=[0.9]), '"pi"'),
        (with_(sigma=0), '"sigma"'),
        (with_(sigma=-1), '"sigma"'),
        (json.dumps({"bases": [[[1, 0, 0]]], "points": [[1, 2, 3]]}), '"sigma"'),
        (with_(s=0), '"s"'),
        (with_(s=-2), '"s"'),
        (with_(points=[]), '"points"'),
        (with_(points=[[1, 2]]), '"points"'),
        (with_(sigma=1e-320), "sigma"),
        (with_(s=1e-320), "s"),
        (with_(points=[[1e308, 1e308, 1e308]]), ""),
        ('{"bases": [[[1, 0, 0]]], "sigma": "x", "points": [[1, 2, 3]]}', "JSON"),
        ('{"bases": [[[1, 0, 0]]], "sigma": 1e999, "points": [[1, 2, 3]]}', "JSON"),
    ]


def env_cases():
    """(environment, args, what the error must mention)."""
    return [
        ({"GOMLX_BACKEND": "xla:cuda"}, ["rank", "-no-unet", "-no-alg1", "-noises", "1", "-out", "{tmp}"], "cuda"),
        ({"GOMLX_BACKEND": "bogus"}, ["rank", "-no-unet", "-no-alg1", "-noises", "1", "-out", "{tmp}"], "bogus"),
        ({"GOMLX_BACKEND": "xla:tpu"}, ["phase", "-d", "1", "-nk", "1", "-k", "1", "-instances", "1", "-out", "{tmp}"], "xla"),
        ({"GOMLX_BACKEND": "xla:/nonexistent.so"}, ["unet-molrg", "-dims", "2", "-ratios", "1", "-steps", "2", "-out", "{tmp}"], "nonexistent"),
        ({"GOMLX_BACKEND": "xla:cuda"}, ["info"], "cuda"),
    ]


def file_cases(tmp):
    """Corrupt results files and checkpoints: (args, what the error must mention)."""
    cases = []
    d = tmp / "corrupt_phase"
    d.mkdir()
    (d / "phase.csv").write_text("this is not a results table\n1,2,3\n")
    cases.append((["phase", "-d", "1", "-nk", "1", "-k", "1", "-instances", "1", "-out", str(d)], "phase.csv"))
    d = tmp / "nometa_phase"
    d.mkdir()
    (d / "phase.csv").write_text("n,K,d,Nk,instance,method,noise,error,success,seconds,steps,converged\n12,1,1,1,0,sgd,0,0.1,1,0.1,300,1\n")
    cases.append((["phase", "-d", "1", "-nk", "1", "-k", "1", "-instances", "1", "-out", str(d)], "phase.json"))
    d = tmp / "badmeta"
    d.mkdir()
    (d / "fig5a.csv").write_text("d,Nk,ratio,gl,dist_gen,dist_fresh,steps,loss,img_per_s,seconds\n2,2,1,0.1,1,1,2,0.1,1,1\n")
    (d / "fig5a.json").write_text("{not json")
    cases.append((["unet-molrg", "-dims", "2", "-ratios", "1", "-steps", "2", "-out", str(d)], "fig5a.json"))
    d = tmp / "plotonly_empty"
    d.mkdir()
    cases.append((["unet-molrg", "-plot-only", "-out", str(d)], "fig5a.csv"))
    cases.append((["images", "-plot-only", "-out", str(d)], "images.csv"))
    d = tmp / "corrupt_images"
    d.mkdir()
    (d / "images.csv").write_text("figure,data,n\n5b,mnist,16\n")
    cases.append((["images", "-data", "emoji-animals", "-ns", "16", "-steps", "2", "-out", str(d)], "images.csv"))
    d = tmp / "badmeta_images"
    d.mkdir()
    (d / "images.csv").write_text("this is not a table\n")
    (d / "images.json").write_text("{not json")
    cases.append((["images", "-data", "emoji-animals", "-ns", "16", "-steps", "2", "-out", str(d)], "images"))
    for name, header in [("crafted_neg", {"version": 1, "step": 1, "vars": [{"path": "/net/x", "dtype": 10, "dims": [-5]}]}),
                         ("crafted_huge", {"version": 1, "step": 1, "vars": [{"path": "/net/x", "dtype": 10, "dims": [400000000, 400000000]}]})]:
        c = tmp / name / "ckpt"
        c.mkdir(parents=True)
        js = json.dumps(header).encode()
        (c / "unet-000000001.ckpt").write_bytes(b"MOLRGCK1" + len(js).to_bytes(8, "little") + js + b"\0" * 16)
        cases.append((["rank", "-no-alg1", "-noises", "1", "-steps", "2", "-ckpt", str(c), "-out", str(tmp / name)], "checkpoint"))
    return cases


def check_error(name, code, out, err, want, failures):
    text = out + err
    if any(t in text for t in TRACE):
        failures.append(f"{name}: a Go stack trace:\n{text[:1500]}")
    elif code not in (1, 2):
        failures.append(f"{name}: exit status {code}, want 1 or 2 (an error)\n{text[:500]}")
    elif want and want.lower() not in err.lower():
        failures.append(f"{name}: the error does not mention {want!r}: {err.strip()[:300]}")


def table(molrg, tmp):
    failures, tried = [], 0
    for cmd, args, want in flag_cases():
        tried += 1
        out = tmp / f"out{tried}"
        full = [cmd] + args + (["-out", str(out)] if cmd in ("phase", "unet-molrg", "rank", "images", "edit") and "-out" not in args else [])
        code, o, e = run(molrg, full)
        check_error(f"molrg {' '.join(full)}", code, o, e, want, failures)
    for stdin, want in posterior_cases():
        tried += 1
        code, o, e = run(molrg, ["posterior"], stdin=stdin)
        name = f"molrg posterior < {stdin[:80]!r}"
        if want == "" and code == 0:  # valid input: the output must be finite JSON
            if "NaN" in o or "Inf" in o:
                failures.append(f"{name}: non-finite output {o[:200]}")
            continue
        check_error(name, code, o, e, want, failures)
    for env, args, want in env_cases():
        tried += 1
        out = tmp / f"env{tried}"
        args = [a.replace("{tmp}", str(out)) for a in args]
        code, o, e = run(molrg, args, env=env)
        check_error(f"{env} molrg {' '.join(args)}", code, o, e, want, failures)
        if out.exists() and any(out.iterdir()):
            failures.append(f"{env} molrg {' '.join(args)}: wrote {sorted(p.name for p in out.iterdir())} before failing")
    for args, want in file_cases(tmp):
        tried += 1
        code, o, e = run(molrg, args)
        check_error(f"molrg {' '.join(args)}", code, o, e, want, failures)
    for args in (["-h"], ["help"], ["info", "-h"], ["phase", "--help"], ["rank", "-h"], ["unet-molrg", "-h"], ["merge", "-h"],
                 ["images", "-h"], ["images", "-authors", "-data", "emoji-people", "-h"], ["edit", "-h"]):
        tried += 1
        code, o, e = run(molrg, args)
        if code != 0 or any(t in o + e for t in TRACE) or "usage" not in (o + e).lower():
            failures.append(f"molrg {' '.join(args)}: exit {code}, want the usage and 0\n{(o + e)[:300]}")
    return tried, failures


# --- 2 and 3. kill -9, resume, and concurrent runs --------------------------

RESUMABLE = {
    "phase": (["phase", "-n", "48", "-d", "1-8", "-nk", "1-16", "-k", "1,2,3", "-instances", "3", "-quiet"],
              "phase.csv", ["n", "K", "d", "Nk", "instance", "method"], ["error"], ["success"]),
    "unet-molrg": (["unet-molrg", "-dims", "2", "-ratios", "1,2", "-steps", "40", "-batch", "8", "-channels", "8",
                    "-m", "20", "-quiet"],
                   "fig5a.csv", ["d", "Nk"], ["gl", "dist_gen", "dist_fresh", "loss"], ["steps"]),
    "rank": (["rank", "-nk", "20", "-steps", "40", "-batch", "8", "-noises", "2", "-snapshots", "2", "-quiet"],
             "rank.csv", ["figure", "curve", "i"], ["rank_ratio", "grad_norm"], []),
    "images": (["images", "-data", "emoji-animals", "-size", "8", "-ns", "16,32", "-held", "16", "-m", "10",
                "-sample-batch", "10", "-grid", "2", "-steps", "40", "-batch", "8", "-model-channels", "8",
                "-noises", "1", "-rows", "0", "-quiet"],
               "images.csv", ["figure", "n", "i"], ["gl", "gl_held", "dist_gen", "loss", "rank"], ["steps"]),
    "edit": (["edit", "-n", "500", "-held", "20", "-steps", "300", "-batch", "16", "-channels", "8", "-inv-steps", "20",
              "-r", "2", "-quiet"],
             "edit.csv", ["kind", "t", "direction", "xi"], ["value", "off_subspace"], ["i"]),
}


def read_rows(path, key, exact):
    rows = {}
    with open(path) as f:
        for r in csv.DictReader(f):
            k = tuple(r[c] for c in key)
            if k in rows:
                raise AssertionError(f"{path}: the unit {k} is there twice")
            rows[k] = r
    return rows


def same(a, b, floats, exact):
    for c in exact:
        if a[c] != b[c]:
            return False
    for c in floats:
        x, y = float(a[c]), float(b[c])
        if x != x and y != y:
            continue
        if abs(x - y) > 1e-4 * (1 + abs(x)):
            return False
    return True


def kill_resume(molrg, tmp, name, rng):
    args, table_name, key, floats, exact = RESUMABLE[name]
    whole = tmp / f"{name}_whole"
    code, o, e = run(molrg, args + ["-out", str(whole)])
    if code != 0:
        return [f"{name}: the uninterrupted run failed:\n{(o + e)[-1500:]}"], 0
    t0 = time.time()
    killed = tmp / f"{name}_killed"
    kills = 0
    for attempt in range(12):
        p = subprocess.Popen([molrg] + args + ["-out", str(killed)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            p.wait(timeout=rng.uniform(0.5, 6.0))
            if p.returncode == 0:
                break
            return [f"{name}: a resumed run failed: {p.stderr.read()[-1500:]}"], kills
        except subprocess.TimeoutExpired:
            p.send_signal(signal.SIGKILL)
            p.wait()
            kills += 1
            err = p.stderr.read()
            if any(t in err for t in TRACE):
                return [f"{name}: a stack trace before the kill:\n{err[-1500:]}"], kills
    else:
        code, o, e = run(molrg, args + ["-out", str(killed)])
        if code != 0:
            return [f"{name}: the final resume failed:\n{(o + e)[-1500:]}"], kills
    want = read_rows(whole / table_name, key, exact)
    got = read_rows(killed / table_name, key, exact)
    failures = []
    if set(want) != set(got):
        failures.append(f"{name}: after {kills} kills the table has units {sorted(set(got) ^ set(want))[:5]} different from the uninterrupted run")
    for k in want:
        if k in got and not same(want[k], got[k], floats, exact):
            failures.append(f"{name}: unit {k}: {dict(got[k])} after kills, {dict(want[k])} uninterrupted")
            break
    print(f"  {name}: {kills} kill -9, resumed to the same {len(want)} rows in {time.time() - t0:.0f} s")
    return failures, kills


def concurrent(molrg, tmp, name):
    args, table_name, key, _, exact = RESUMABLE[name]
    out = tmp / f"{name}_concurrent"
    a = subprocess.Popen([molrg] + args + ["-out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(0.2)
    b = subprocess.Popen([molrg] + args + ["-seed", "7", "-out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    a.wait(timeout=900)
    b.wait(timeout=900)
    ea, eb = a.stderr.read(), b.stderr.read()
    failures = []
    refused = [x for x in (a, b) if x.returncode != 0]
    msgs = ea + eb
    if len(refused) != 1 or not ("another run" in msgs or "other settings" in msgs):
        failures.append(f"{name}: two runs on one folder: exit {a.returncode} and {b.returncode}, want one refused:\n{msgs[-800:]}")
    if any(t in msgs for t in TRACE):
        failures.append(f"{name}: a stack trace in a concurrent run:\n{msgs[-800:]}")
    try:
        read_rows(out / table_name, key, exact)
    except AssertionError as e:
        failures.append(str(e))
    print(f"  {name}: two runs on one folder: one finished, one refused ({'ok' if not failures else 'FAIL'})")
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--table-only", action="store_true", help="only the bad-input table (fast)")
    ap.add_argument("--only", choices=sorted(RESUMABLE), help="kill/resume and concurrent checks of this command only")
    ap.add_argument("--molrg", default=str(root / ".tools" / "bin" / "molrg"))
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="molrg-reliability-"))
    try:
        t0 = time.time()
        tried, failures = table(a.molrg, tmp)
        print(f"bad inputs: {tried} tried, {len(failures)} failed ({time.time() - t0:.0f} s)")
        if not a.table_only:
            rng = random.Random(1)
            for name in RESUMABLE:
                if a.only and name != a.only:
                    continue
                f, _ = kill_resume(a.molrg, tmp, name, rng)
                failures += f
                failures += concurrent(a.molrg, tmp, name)
        for f in failures:
            print("FAIL", f)
        print("reliability:", "ok" if not failures else f"{len(failures)} failures")
        return 1 if failures else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
