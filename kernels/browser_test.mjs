// Real-browser test: serves JupyterLab on loopback, opens a notebook in
// Debian's chromium (driven by playwright-core), runs all cells, checks that
// the inline plot is on the page, moves the slider and checks that the plot is
// redrawn, and saves a screenshot.
//
// usage: node kernels/browser_test.mjs [notebook] [screenshot.png]
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const notebook = process.argv[2] ?? "notebooks/00_getting_started.ipynb";
const shot = resolve(process.argv[3] ?? join(root, "results", "screenshots", "00_getting_started.png"));
const port = 18888 + Math.floor(Math.random() * 1000);
const token = "molrg-browser-test";
const t0 = Date.now();
const log = (m) => console.log(`[browser ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

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
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("JupyterLab did not start:\n" + labLog.slice(-3000));
}

let browser;
let code = 0;
try {
  await waitForServer();
  log(`JupyterLab up on port ${port}`);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(`http://127.0.0.1:${port}/lab/tree/${notebook}?token=${token}`);
  await page.waitForSelector(".jp-NotebookPanel .jp-Cell", { timeout: 120_000 });
  // A fresh JupyterLab asks which kernel to start: take the notebook's own (GoNB).
  const select = page.locator(".jp-Dialog").getByRole("button", { name: "Select", exact: true });
  if (await select.isVisible({ timeout: 15_000 }).catch(() => false)) {
    await select.click();
    log("kernel dialog: selected Go (gonb, molrg)");
  }
  // Decline the "Jupyter news" toast, so that it does not cover the screenshot.
  await page.locator(".jp-toast-button").getByText("No", { exact: true }).click({ timeout: 5_000 }).catch(() => {});
  // Wait until the GoNB kernel is connected and idle.
  await page.waitForFunction(() => /Go \(gonb, molrg\) \| Idle/.test(document.body.innerText), null, { timeout: 30_000 })
    .catch(() => log("kernel idle status not seen yet; going on"));
  log("notebook open; running all cells");
  await page.getByRole("menuitem", { name: "Run", exact: true }).click();
  await page.getByRole("menuitem", { name: /^Run All( Cells)?$/ }).click();
  // The plot: an SVG from gonum/plot inside an output area, with its title.
  const plot = page.locator(".jp-OutputArea-output svg").filter({ hasText: "and its gradient" });
  await plot.first().waitFor({ timeout: 600_000 });
  log("inline plot is on the page");
  const title1 = await plot.first().textContent();
  // Move the slider (ω = 12/4 = 3) and wait for the redraw.
  const slider = page.locator('.jp-OutputArea-output input[type="range"]').first();
  await slider.waitFor({ timeout: 60_000 });
  await slider.evaluate((el) => { el.value = "12"; el.dispatchEvent(new Event("change")); });
  await page.locator(".jp-OutputArea-output svg").filter({ hasText: "sin(3x)" }).first().waitFor({ timeout: 120_000 });
  log("slider moved: plot redrawn for ω = 3");
  if (!title1.includes("sin(2x)")) throw new Error(`first plot title should show ω = 2, got ${title1.slice(0, 200)}`);
  const errors = await page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count();
  if (errors > 0) log(`note: ${errors} stderr outputs on the page`);
  await plot.first().scrollIntoViewIfNeeded();
  mkdirSync(dirname(shot), { recursive: true });
  await page.screenshot({ path: shot });
  log(`screenshot saved to ${shot}`);
  console.log("browser test: 1 passed, 0 failed");
} catch (e) {
  code = 1;
  console.error("browser test FAILED:", e.message);
  console.log("browser test: 0 passed, 1 failed");
  if (browser) {
    try {
      const [p] = browser.contexts()[0]?.pages() ?? [];
      if (p) { mkdirSync(dirname(shot), { recursive: true }); await p.screenshot({ path: shot.replace(/\.png$/, "-failed.png") }); }
    } catch {}
  }
} finally {
  if (browser) await browser.close();
  lab.kill("SIGTERM");
}
process.exit(code);
