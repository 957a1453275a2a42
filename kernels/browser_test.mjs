// Real-browser test of the notebooks as a course: serves JupyterLab on
// loopback and, in Debian's chromium (driven by playwright-core), for every
// notebook listed:
//   1. opens a copy of it (notebooks/_browser_*.ipynb, removed afterwards) and
//      runs "Run All"; every code cell must finish (no cell left queued behind
//      a widget) without a panic;
//   2. checks every figure: the image decodes, is at least 320 px wide, its
//      smallest text is at least 11 px as displayed, and every colour bar is a
//      real bar (at least 8 px wide as displayed, and painted across its box,
//      checked on the rendered pixels; heat maps are embedded images too and
//      get the same check);
//   3. operates every explorer control with the mouse and with the arrow keys
//      and checks that the figure changes (and that the keys stay in the
//      widget, not in JupyterLab), recording the slider → redraw latency;
//      kernel-backed widgets (plot.Interact) are moved with the keyboard,
//      timed, then ended with their Done button, which must show "stopped";
//   4. saves screenshots to results/screenshots/;
//   5. saves the notebook, shuts its kernel down, reloads the page and checks
//      that the explorers still work (no kernel needed);
//   6. converts the headless-executed copy (results/notebooks/, written by
//      kernels/execute_notebooks.py) to HTML with nbconvert, opens it from
//      disk and checks that an explorer works there too.
// It prints a table (run-all time, figures, widgets, latencies) and writes
// results/browser_report.json.
//
// usage: node kernels/browser_test.mjs [notebooks/NAME.ipynb ...]
// (default: the chapters listed in kernels/notebooks.txt; add one by listing it there).
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// The chapters the test covers, in reading order.
const NOTEBOOKS = readFileSync(join(root, "kernels", "notebooks.txt"), "utf8").split("\n")
  .map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
const notebooks = process.argv.length > 2 ? process.argv.slice(2) : NOTEBOOKS;
const shots = join(root, "results", "screenshots");
const port = 18888 + Math.floor(Math.random() * 1000);
const token = "molrg-browser-test";
const t0 = Date.now();
const log = (m) => console.log(`[browser ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Thresholds.
const MIN_FONT_PX = 11; // smallest text of a figure, as displayed
const MIN_FIGURE_PX = 320; // narrowest figure, as displayed
const MIN_BAR_PX = 8; // narrowest colour bar, as displayed
const MAX_LOOKUP_MS = 1000; // slider → redraw for page-side frames
const RUN_ALL_TIMEOUT_MS = 15 * 60_000;

const lab = spawn(join(root, ".venv", "bin", "jupyter"), [
  "lab", "--no-browser", `--port=${port}`, "--ip=127.0.0.1", `--IdentityProvider.token=${token}`,
  `--ServerApp.root_dir=${root}`, "--LabApp.news_url=", "--ServerApp.port_retries=0",
  ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
], { env: { ...process.env, MOLRG_WIDGET_IDLE: "60s", JUPYTER_CONFIG_DIR: mkdtempSync(join(tmpdir(), "jcfg-")) }, stdio: ["ignore", "pipe", "pipe"] });
let labLog = "";
lab.stdout.on("data", (d) => (labLog += d));
lab.stderr.on("data", (d) => (labLog += d));

async function waitForServer() {
  for (let i = 0; i < 120; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/status?token=${token}`);
      if (r.ok) return;
    } catch {}
    await sleep(500);
  }
  throw new Error("JupyterLab did not start:\n" + labLog.slice(-3000));
}

// shutDownKernels ends every kernel of the server (the reopened page starts one).
async function shutDownKernels() {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/api/kernels?token=${token}`);
    for (const k of await r.json()) await fetch(`http://127.0.0.1:${port}/api/kernels/${k.id}?token=${token}`, { method: "DELETE" });
  } catch {}
}

// checkFigure runs in the page: it measures one figure image and returns the
// problems found. For SVG sources it parses the SVG for the font sizes and
// renders it (inline, off screen, at the displayed width) to locate the
// colour bars, then samples the displayed pixels across each bar.
async function checkFigure(img, limits) {
  const out = { problems: [], width: 0, height: 0, minFontPx: null, colorBars: [] };
  try { await img.decode(); } catch (e) { out.problems.push("image does not decode"); return out; }
  const r = img.getBoundingClientRect();
  out.width = Math.round(r.width); out.height = Math.round(r.height);
  if (!(img.naturalWidth > 0)) out.problems.push("image has no pixels");
  if (r.width < limits.minFigure) out.problems.push(`figure ${r.width.toFixed(0)} px wide, want ≥ ${limits.minFigure}`);
  const src = img.currentSrc || img.src;
  let text = null;
  if (src.startsWith("data:image/svg+xml;base64,")) {
    text = new TextDecoder().decode(Uint8Array.from(atob(src.slice(26)), (c) => c.charCodeAt(0)));
  } else if (src.startsWith("blob:")) {
    text = await (await fetch(src)).text();
  }
  if (text === null) return out; // a PNG: nothing more to parse
  const doc = new DOMParser().parseFromString(text, "image/svg+xml");
  const svg = doc.documentElement;
  const vb = (svg.getAttribute("viewBox") || "").split(/[ ,]+/).map(Number);
  const scale = r.width / vb[2];
  let minFont = Infinity;
  for (const t of doc.querySelectorAll("text")) {
    const m = /font-size:\s*([0-9.]+)px/.exec(t.getAttribute("style") || "");
    if (m && t.textContent.trim() !== "") minFont = Math.min(minFont, Number(m[1]) * scale);
  }
  out.minFontPx = Number.isFinite(minFont) ? Math.round(minFont * 10) / 10 : null;
  if (out.minFontPx !== null && out.minFontPx < limits.minFont) out.problems.push(`smallest text ${out.minFontPx} px as displayed, want ≥ ${limits.minFont}`);
  const images = doc.querySelectorAll("image");
  if (images.length === 0) return out;
  // Colour bars: where are they on the displayed figure?
  const host = document.createElement("div");
  host.style.cssText = `position:absolute;left:-20000px;top:0;width:${r.width}px`;
  host.innerHTML = text;
  document.body.appendChild(host);
  const s = host.querySelector("svg");
  s.setAttribute("width", String(r.width)); s.setAttribute("height", String(r.height));
  const sr = s.getBoundingClientRect();
  const boxes = Array.from(host.querySelectorAll("image")).map((im) => {
    const b = im.getBoundingClientRect();
    return { x: b.left - sr.left, y: b.top - sr.top, w: b.width, h: b.height };
  });
  host.remove();
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(r.width); canvas.height = Math.round(r.height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  for (const b of boxes) {
    const bar = { width: Math.round(b.w * 10) / 10, height: Math.round(b.h * 10) / 10, painted: null };
    if (b.w < limits.minBar || b.h < 4 * limits.minBar) out.problems.push(`embedded image (colour bar or heat map) box ${b.w.toFixed(1)}×${b.h.toFixed(1)} px, want ≥ ${limits.minBar} px wide`);
    try {
      const y = Math.round(b.y + b.h / 2), x0 = Math.round(b.x) + 1, x1 = Math.round(b.x + b.w) - 1;
      const row = ctx.getImageData(x0, y, Math.max(1, x1 - x0), 1).data;
      let painted = 0;
      for (let i = 0; i < row.length; i += 4) if (row[i] + row[i + 1] + row[i + 2] < 3 * 235) painted++;
      bar.painted = Math.round((painted / (row.length / 4)) * 100) / 100;
      if (bar.painted < 0.9) out.problems.push(`embedded image (colour bar or heat map) painted over ${(bar.painted * 100).toFixed(0)}% of its width, want ≥ 90% (a sliver?)`);
    } catch (e) {
      out.problems.push("could not read the colour bar's pixels: " + e.message);
    }
    out.colorBars.push(bar);
  }
  return out;
}

const limits = { minFont: MIN_FONT_PX, minFigure: MIN_FIGURE_PX, minBar: MIN_BAR_PX };

// Explorer helpers, run in the page.
const renders = (el) => Number(el.getAttribute("data-renders") || "0");

async function openNotebook(page, path) {
  await page.goto(`http://127.0.0.1:${port}/lab/tree/${path}?token=${token}`);
  await page.waitForSelector(".jp-NotebookPanel .jp-Cell", { timeout: 120_000 });
  // A fresh JupyterLab asks which kernel to start: take the notebook's own (GoNB).
  const select = page.locator(".jp-Dialog").getByRole("button", { name: "Select", exact: true });
  if (await select.isVisible({ timeout: 10_000 }).catch(() => false)) await select.click();
  await page.locator(".jp-toast-button").getByText("No", { exact: true }).click({ timeout: 3_000 }).catch(() => {});
  // The notebook's kernel is chosen (its state may still read "Unknown": Run All queues anyway).
  await page.waitForFunction(() => /Go \(gonb, molrg\)/.test(document.querySelector("#jp-main-statusbar")?.innerText || ""), null, { timeout: 30_000 })
    .catch(() => log("the kernel's name is not in the status bar yet; going on"));
}

// Prompts of the code cells: "[3]:" done, "[*]:" running or queued, "[ ]:" not run.
async function prompts(page) {
  return page.$$eval(".jp-Notebook .jp-CodeCell .jp-InputPrompt", (els) => els.map((e) => e.textContent.trim()));
}

// operateInteract moves the first control of a live plot.Interact with the
// keyboard, times the redraw (kernel-backed), then presses Done and waits
// for the "stopped" banner.
async function operateInteract(page, handle, report) {
  const fig = async () => page.evaluate((root) => {
    let el = root.closest(".jp-OutputArea");
    const imgs = el ? el.querySelectorAll("img.molrg-frame") : [];
    return imgs.length ? imgs[imgs.length - 1].src.length + ":" + imgs[imgs.length - 1].src.slice(-64) : "";
  }, handle);
  const before = await fig();
  const ctl = await handle.$("input[type=range], select");
  const w = { kind: "kernel-backed", controls: 0, latencies: [] };
  if (ctl) {
    await ctl.focus();
    const t = Date.now();
    await page.keyboard.press("ArrowRight");
    for (let i = 0; i < 240 && (await fig()) === before; i++) await sleep(250);
    if ((await fig()) === before) throw new Error("kernel-backed widget: the figure did not change after ArrowRight");
    w.controls++;
    w.latencies.push(Date.now() - t);
  }
  const done = await handle.$("button");
  if (done) {
    await done.click();
    await page.waitForFunction((root) => root.getAttribute("data-alive") === "0" &&
      /stopped/.test(root.querySelector(".molrg-stopped").textContent), handle, { timeout: 15_000 });
  }
  report.widgets.push(w);
}

// runAll clicks Run All and waits until every code cell has run, operating
// kernel-backed widgets as they come up. It returns the seconds taken.
async function runAll(page, report) {
  // The committed outputs carry execution counts; clear them so that "[n]:" means "ran now".
  await page.getByRole("menuitem", { name: "Edit", exact: true }).click();
  await page.getByRole("menuitem", { name: /^Clear Outputs of All Cells$/ }).click();
  await page.waitForFunction(() => Array.from(document.querySelectorAll(".jp-Notebook .jp-CodeCell .jp-InputPrompt"))
    .every((e) => !/\d/.test(e.textContent)), null, { timeout: 30_000 });
  await page.getByRole("menuitem", { name: "Run", exact: true }).click();
  await page.getByRole("menuitem", { name: /^Run All( Cells)?$/ }).click();
  const start = Date.now();
  const operated = new Set();
  for (;;) {
    const p = await prompts(page);
    if (p.length > 0 && p.every((x) => /^\[\d+\]:$/.test(x))) break;
    if (Date.now() - start > RUN_ALL_TIMEOUT_MS) throw new Error(`Run All did not finish in ${RUN_ALL_TIMEOUT_MS / 1000} s; prompts ${p.join(" ")}`);
    const errs = await page.$$eval(".jp-OutputArea-output", (els) => els.map((e) => e.textContent).filter((t) => /panic:|GoNB Error|Traceback/.test(t)));
    if (errs.length) throw new Error("a cell failed: " + errs[0].slice(0, 2000));
    for (const h of await page.$$(".molrg-interact[data-alive='1']")) {
      const id = await h.getAttribute("id");
      if (!operated.has(id)) { operated.add(id); await operateInteract(page, h, report); }
    }
    await sleep(500);
  }
  return (Date.now() - start) / 1000;
}

// checkFigures checks every figure on the page.
async function checkFigures(page, report, nbName) {
  const imgs = await page.$$(".jp-OutputArea-output img.molrg-frame");
  let n = 0;
  for (const img of imgs) {
    await img.scrollIntoViewIfNeeded();
    const r = await img.evaluate(checkFigure, limits);
    n++;
    report.figures.push({ width: r.width, height: r.height, minFontPx: r.minFontPx, colorBars: r.colorBars });
    if (r.problems.length) report.problems.push(`figure ${n}: ${r.problems.join("; ")}`);
    await img.screenshot({ path: join(shots, nbName, `figure-${String(n).padStart(2, "0")}.png`) }).catch(() => {});
  }
}

// operateExplorer moves every control of one explorer with the mouse and then
// with the arrow keys; each move must change the shown frame.
async function operateExplorer(page, root, report, label, { keysOnly = false } = {}) {
  const w = { kind: "explorer", combinations: Number(await root.getAttribute("data-combinations")), controls: 0, latencies: [], wallLatencies: [] };
  const activeCell = () => page.evaluate(() => {
    const a = document.querySelector(".jp-Notebook .jp-Cell.jp-mod-active");
    return a ? Array.from(a.parentElement.children).indexOf(a) : -1;
  });
  async function expectChange(what, action, { key = false } = {}) {
    const before = await root.evaluate(renders);
    const comb = await root.getAttribute("data-combination");
    const src = await root.$eval("img.molrg-frame", (i) => i.src);
    const cell = await activeCell();
    const t = Date.now();
    await action();
    await page.waitForFunction(([el, n]) => Number(el.getAttribute("data-renders") || "0") > n, [root, before], { timeout: 5_000 })
      .catch(() => { throw new Error(`${label}: ${what} did not change the figure`); });
    const wall = Date.now() - t;
    const after = await root.getAttribute("data-combination");
    const src2 = await root.$eval("img.molrg-frame", (i) => i.src);
    if (after === comb || src2 === src) throw new Error(`${label}: ${what}: combination ${comb} → ${after}, image changed: ${src2 !== src}`);
    if (key && (await activeCell()) !== cell) throw new Error(`${label}: ${what} moved JupyterLab's active cell (the key reached the notebook)`);
    const ms = Number(await root.getAttribute("data-latency-ms"));
    w.latencies.push(ms);
    w.wallLatencies.push(wall);
    if (ms > MAX_LOOKUP_MS) report.problems.push(`${label}: ${what}: redraw took ${ms} ms, want ≤ ${MAX_LOOKUP_MS}`);
    const img = await root.$("img.molrg-frame");
    const r = await img.evaluate(checkFigure, limits);
    if (r.problems.length) report.problems.push(`${label} after ${what}: ${r.problems.join("; ")}`);
  }
  await root.scrollIntoViewIfNeeded();
  if (await root.getAttribute("data-live") !== "1") throw new Error(`${label}: the page script did not start (data-live unset)`);
  // Sliders.
  for (const s of await root.$$("input[type=range]")) {
    w.controls++;
    const max = Number(await s.getAttribute("max"));
    if (!keysOnly) {
      const box = await s.boundingBox();
      const cur = Number(await s.evaluate((e) => e.value));
      const frac = cur > max / 2 ? 0.1 : 0.9;
      await expectChange("slider click", () => page.mouse.click(box.x + frac * box.width, box.y + box.height / 2));
    }
    await s.focus();
    const cur = Number(await s.evaluate((e) => e.value));
    const key = cur > 0 ? "ArrowLeft" : "ArrowRight";
    await expectChange(`slider ${key}`, () => page.keyboard.press(key), { key: true });
    const now = Number(await s.evaluate((e) => e.value));
    if (Math.abs(now - cur) !== 1) throw new Error(`${label}: ${key} moved the slider from ${cur} to ${now}, want one step`);
  }
  // Radio groups.
  for (const g of await root.$$("[role=radiogroup]")) {
    w.controls++;
    const radios = await g.$$("input[type=radio]");
    const checked = await Promise.all(radios.map((r) => r.evaluate((e) => e.checked)));
    const cur = checked.indexOf(true);
    if (!keysOnly) {
      const other = (cur + 1) % radios.length;
      const lab = await radios[other].evaluateHandle((e) => e.closest("label"));
      await expectChange("radio click", () => lab.asElement().click());
    }
    const now = (await Promise.all(radios.map((r) => r.evaluate((e) => e.checked)))).indexOf(true);
    await radios[now].focus();
    const key = now > 0 ? "ArrowLeft" : "ArrowRight";
    await expectChange(`radio ${key}`, () => page.keyboard.press(key), { key: true });
  }
  // Drop-downs.
  for (const s of await root.$$("select")) {
    w.controls++;
    const n = await s.evaluate((e) => e.options.length);
    const cur = await s.evaluate((e) => e.selectedIndex);
    if (!keysOnly) await expectChange("drop-down choice", () => s.selectOption({ index: (cur + 1) % n }));
    await s.focus();
    const now = await s.evaluate((e) => e.selectedIndex);
    await expectChange("drop-down arrow key", () => page.keyboard.press(now > 0 ? "ArrowUp" : "ArrowDown"), { key: true });
  }
  return w;
}

function nbconvert(executed, outDir) {
  const r = spawnSync(join(root, ".venv", "bin", "jupyter"), ["nbconvert", "--to", "html", "--output-dir", outDir, executed], { encoding: "utf8" });
  if (r.status !== 0) throw new Error("nbconvert failed: " + (r.stderr || "").slice(-2000));
  return join(outDir, basename(executed).replace(/\.ipynb$/, ".html"));
}

let browser;
let failed = 0;
const reports = [];
try {
  await waitForServer();
  log(`JupyterLab up on port ${port}`);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  context.setDefaultTimeout(60_000); // no action waits forever
  for (const nb of notebooks) {
    const name = basename(nb, ".ipynb");
    const report = { notebook: name, runAllSeconds: null, figures: [], widgets: [], problems: [], ok: false };
    reports.push(report);
    mkdirSync(join(shots, name), { recursive: true });
    const copy = join(dirname(nb), `_browser_${name}.ipynb`);
    copyFileSync(join(root, nb), join(root, copy));
    const page = await context.newPage();
    try {
      await openNotebook(page, copy);
      // What a reader sees on opening the notebook, before running anything: the committed
      // outputs, untrusted (JupyterLab sanitizes them, as a code host does).
      const committed = JSON.parse(readFileSync(join(root, nb), "utf8"));
      const html = committed.cells.flatMap((c) => c.outputs || []).map((o) => [].concat(o.data?.["text/html"] ?? []).join("")).join("");
      const expected = (html.match(/<img class="molrg-frame"/g) || []).length;
      if (expected > 0) {
        await page.waitForFunction((n) => document.querySelectorAll(".jp-OutputArea-output img.molrg-frame").length >= n, expected, { timeout: 60_000 })
          .catch(() => { throw new Error(`${name}: the committed notebook shows fewer than its ${expected} figures before running`); });
        for (const img of await page.$$(".jp-OutputArea-output img.molrg-frame")) {
          await img.scrollIntoViewIfNeeded();
          const r = await img.evaluate(checkFigure, limits);
          if (r.problems.length) report.problems.push(`committed figure: ${r.problems.join("; ")}`);
        }
        report.committedFigures = expected;
        log(`${name}: the committed outputs show ${expected} figures before running`);
      }
      log(`${name}: open; Run All`);
      report.runAllSeconds = await runAll(page, report);
      log(`${name}: Run All reached the last cell in ${report.runAllSeconds.toFixed(1)} s`);
      await page.screenshot({ path: join(shots, name, "page.png") });
      await checkFigures(page, report, name);
      const explorers = await page.$$(".jp-OutputArea-output .molrg-explorer");
      for (let i = 0; i < explorers.length; i++) {
        const w = await operateExplorer(page, explorers[i], report, `${name} explorer ${i + 1}`);
        report.widgets.push(w);
        await explorers[i].screenshot({ path: join(shots, name, `explorer-${i + 1}.png`) }).catch(() => {});
      }
      log(`${name}: ${report.figures.length} figures, ${report.widgets.length} widgets checked`);
      if (explorers.length > 0) { // the page around the first explorer, as a reader sees it
        await explorers[0].evaluate((e) => e.scrollIntoView({ block: "center" }));
        await page.screenshot({ path: join(shots, name, "page-explorer.png") });
      }
      // Saved notebook, no kernel: save, shut the kernel down, reload.
      if (explorers.length > 0) {
        await page.keyboard.press("Control+s");
        await page.waitForFunction(() => !document.querySelector(".jp-mod-dirty"), null, { timeout: 30_000 }).catch(() => {});
        await page.getByRole("menuitem", { name: "Kernel", exact: true }).click();
        await page.getByRole("menuitem", { name: /^Shut Down Kernel/ }).click();
        await sleep(1500);
        await page.reload();
        await page.waitForSelector(".jp-NotebookPanel .jp-Cell", { timeout: 120_000 });
        const nk = page.locator(".jp-Dialog").getByRole("button", { name: /No Kernel|Cancel/ });
        if (await nk.first().isVisible({ timeout: 5_000 }).catch(() => false)) await nk.first().click();
        const again = page.locator(".jp-OutputArea-output .molrg-explorer").first();
        await again.waitFor({ timeout: 60_000 });
        await page.waitForFunction(() => document.querySelector(".molrg-explorer")?.getAttribute("data-live") === "1", null, { timeout: 30_000 })
          .catch(() => { throw new Error(`${name}: after saving and reopening (kernel shut down) the explorer did not start`); });
        await operateExplorer(page, await again.elementHandle(), report, `${name} reopened`, { keysOnly: true });
        log(`${name}: explorers work in the saved, reopened notebook with the kernel shut down`);
      }
      // Exported HTML of the headless run.
      const executed = join(root, "results", "notebooks", `${name}.ipynb`);
      if (explorers.length > 0 && existsSync(executed)) {
        const html = nbconvert(executed, join(root, "results", "html"));
        const p2 = await context.newPage();
        await p2.goto(pathToFileURL(html).href);
        const ex = p2.locator(".molrg-explorer").first();
        await ex.waitFor({ timeout: 30_000 });
        await p2.waitForFunction(() => document.querySelector(".molrg-explorer")?.getAttribute("data-live") === "1", null, { timeout: 30_000 })
          .catch(() => { throw new Error(`${name}: the explorer did not start in the exported HTML`); });
        await operateExplorer(p2, await ex.elementHandle(), report, `${name} exported HTML`, { keysOnly: true });
        await p2.close();
        log(`${name}: explorers work in the exported HTML (${basename(html)})`);
      }
      report.ok = report.problems.length === 0;
    } catch (e) {
      report.problems.push(e.message);
      await page.screenshot({ path: join(shots, name, "failed.png") }).catch(() => {});
    } finally {
      await page.close();
      await shutDownKernels();
      rmSync(join(root, copy), { force: true });
      rmSync(join(root, dirname(copy), ".ipynb_checkpoints", basename(copy).replace(/\.ipynb$/, "-checkpoint.ipynb")), { force: true });
    }
    if (!report.ok) failed++;
    for (const p of report.problems) console.error(`  ${name}: ${p}`);
  }
} catch (e) {
  failed++;
  console.error("browser test FAILED:", e.message);
} finally {
  if (browser) await browser.close();
  lab.kill("SIGTERM");
}

// Summary.
const median = (a) => { if (!a.length) return null; const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
console.log("\nnotebook                               run all   figures  widgets  redraw ms (median / max, page)  wall ms (median)  status");
for (const r of reports) {
  const lat = r.widgets.flatMap((w) => w.latencies);
  const wall = r.widgets.flatMap((w) => w.wallLatencies || []);
  console.log(`${r.notebook.padEnd(38)} ${r.runAllSeconds === null ? "   -  " : (r.runAllSeconds.toFixed(1) + " s").padStart(7)}  ${String(r.figures.length).padStart(7)}  ${String(r.widgets.length).padStart(7)}  ${lat.length ? `${median(lat).toFixed(0)} / ${Math.max(...lat).toFixed(0)}`.padStart(30) : "-".padStart(30)}  ${wall.length ? String(median(wall)).padStart(16) : "-".padStart(16)}  ${r.ok ? "ok" : "FAIL"}`);
}
mkdirSync(join(root, "results"), { recursive: true });
writeFileSync(join(root, "results", "browser_report.json"), JSON.stringify(reports, null, 1));
console.log(`browser test: ${reports.length - failed} passed, ${failed} failed (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
process.exit(failed ? 1 : 0);
