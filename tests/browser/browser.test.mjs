// The page of `akg serve` in a real browser (Debian's Chromium, driven by
// playwright-core): pick a saved query, run it, read the table, download
// the CSV, click a node and an edge of the diagram, and read the sentences
// the trace panel shows; all without a console error and without a single
// request to another host. A malformed query must show the server's message.
//
// Usage: AKG_URL=http://127.0.0.1:PORT node browser.test.mjs
//   (./run.sh builds a store, starts the server and does this for you)
// AKG_SCREENSHOT=path.png saves a screenshot of the page after the trace.
// AKG_CHROMIUM overrides the browser (default /usr/bin/chromium).
//
// Exits 0 when every check passes; otherwise prints what failed and exits 1.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const BASE = process.env.AKG_URL;
const SCREENSHOT = process.env.AKG_SCREENSHOT || "";
const EXECUTABLE = process.env.AKG_CHROMIUM || "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
/** The whole run may take this long. */
const DEADLINE_MS = 120_000;
/** One wait for the page may take this long. */
const STEP_MS = 20_000;

if (!BASE) {
  console.error("browser test: set AKG_URL to the server's base URL, e.g. http://127.0.0.1:7878 (or use ./run.sh)");
  process.exit(2);
}
const base = new URL(BASE);

let passed = 0;
const failures = [];

/** Runs one named check; a failure is recorded and the run goes on only
 * if `critical` is false. */
async function check(name, body, { critical = true } = {}) {
  try {
    await body();
    passed += 1;
    console.log(`ok   ${name}`);
  } catch (err) {
    failures.push(`${name}: ${err && err.message ? err.message : err}`);
    console.log(`FAIL ${name}\n     ${String(err && err.message ? err.message : err).split("\n").join("\n     ")}`);
    if (critical) throw new Error("stopping: a later check depends on this one");
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

const userDataDir = mkdtempSync(join(tmpdir(), "akg-browser-"));
const timer = setTimeout(() => {
  console.error(`browser test: no result after ${DEADLINE_MS / 1000} s; giving up`);
  process.exit(1);
}, DEADLINE_MS);

const consoleErrors = [];
const foreignRequests = [];
const badResponses = [];
/** Set while the malformed query runs: its 400 is expected. */
let expectingError = false;

let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: EXECUTABLE,
    headless: true,
    args: ARGS,
    viewport: { width: 1440, height: 1000 },
    acceptDownloads: true,
  });
  context.on("request", (request) => {
    const url = new URL(request.url());
    if (url.protocol === "data:" || url.protocol === "blob:") return;
    if (url.host !== base.host || url.protocol !== base.protocol) foreignRequests.push(request.url());
  });
  context.on("response", (response) => {
    if (response.status() >= 400 && !expectingError) {
      badResponses.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    }
  });
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(STEP_MS);
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const text = message.text();
    // The deliberate malformed query's 400 is logged by Chromium itself.
    if (expectingError && /status of 400/.test(text)) return;
    consoleErrors.push(text);
  });
  page.on("pageerror", (err) => consoleErrors.push(`uncaught: ${err.message}`));

  await check("the page loads", async () => {
    const response = await page.goto(base.href, { waitUntil: "domcontentloaded" });
    assert(response && response.ok(), `GET / answered ${response && response.status()}`);
    assert((await page.title()) === "alliance-kg", `title is ${JSON.stringify(await page.title())}`);
  });

  await check("the saved queries are offered; choosing `members` fills the query", async () => {
    await page.locator('#query-select option[value="members"]').waitFor({ state: "attached" });
    await page.selectOption("#query-select", "members");
    const text = await page.inputValue("#query-text");
    assert(/akg:memberOf/.test(text), `the textarea holds:\n${text}`);
    const description = await page.textContent("#query-description");
    assert(/member/i.test(description || ""), `description: ${JSON.stringify(description)}`);
  });

  await check("Run shows the members in a table, with a row count and the time", async () => {
    await page.click("#run");
    await page.locator("#results table tbody tr").first().waitFor();
    const rows = await page.locator("#results table tbody tr").allTextContents();
    assert(rows.length >= 5, `only ${rows.length} rows:\n${rows.join("\n")}`);
    assert(rows.some((r) => r.includes("Armenia")), `no Armenia in:\n${rows.join("\n")}`);
    const headers = await page.locator("#results table thead th").allTextContents();
    assert(headers.includes("?state"), `headers: ${headers.join(", ")}`);
    const status = await page.textContent("#status");
    assert(
      new RegExp(`^${rows.length} rows in \\d+(\\.\\d+)? m?s$`).test(status || ""),
      `status: ${JSON.stringify(status)}`,
    );
    assert(await page.locator("#error").isHidden(), "an error is shown");
  });

  await check("Download CSV saves result.csv with the same rows", async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
    assert(download.suggestedFilename() === "result.csv", `file name ${download.suggestedFilename()}`);
    const csv = readFileSync(await download.path(), "utf8");
    const lines = csv.trim().split(/\r?\n/);
    assert(lines[0] === "alliance,state,reports,sources", `CSV header: ${lines[0]}`);
    assert(lines.some((l) => l.startsWith("CSTO,Armenia,")), `CSV:\n${csv}`);
    const rows = await page.locator("#results table tbody tr").count();
    assert(lines.length - 1 === rows, `${lines.length - 1} CSV rows, ${rows} table rows`);
  });

  await check("the diagram is inlined with every node and edge linked", async () => {
    await page.locator('#diagram[aria-busy="false"]').waitFor({ state: "attached" });
    const problem = page.locator("#diagram .error");
    if (await problem.count()) throw new Error(`the page says: ${await problem.textContent()}`);
    const counts = await page.evaluate(() => {
      const href = (a) => a.getAttribute("href") || a.getAttributeNS("http://www.w3.org/1999/xlink", "href") || "";
      const groups = (kind) => [...document.querySelectorAll(`#diagram svg g.${kind}`)];
      const linked = (g) => [...g.querySelectorAll("a")].some((a) => href(a).startsWith("/api/trace?"));
      return {
        nodes: groups("node").length,
        edges: groups("edge").length,
        unlinked: [...groups("node"), ...groups("edge")].filter((g) => !linked(g)).map((g) => g.id),
      };
    });
    assert(counts.nodes >= 5 && counts.edges >= 5, `${counts.nodes} nodes, ${counts.edges} edges`);
    assert(counts.unlinked.length === 0, `not linked: ${counts.unlinked.join(", ")}`);
  });

  /** Marks the link of the first group of `kind` whose trace parameters
   * match, and returns a locator for the text inside it. */
  async function linkText(kind, wanted) {
    const found = await page.evaluate(
      ({ kind, wanted }) => {
        const href = (a) => a.getAttribute("href") || a.getAttributeNS("http://www.w3.org/1999/xlink", "href") || "";
        for (const a of document.querySelectorAll(`#diagram svg g.${kind} a`)) {
          const link = href(a);
          if (!link.startsWith("/api/trace?") || !a.querySelector("text")) continue;
          const params = new URLSearchParams(link.slice(link.indexOf("?") + 1));
          if (Object.entries(wanted).every(([k, v]) => params.get(k) === v)) {
            a.setAttribute("data-test-target", kind);
            return link;
          }
        }
        return null;
      },
      { kind, wanted },
    );
    assert(found, `no ${kind} linked to ${JSON.stringify(wanted)}`);
    return page.locator(`#diagram a[data-test-target="${kind}"] text`).first();
  }

  await check("clicking a node shows the entity's facts without leaving the page", async () => {
    const target = await linkText("node", { entity: "Armenia" });
    await target.click();
    await page.locator("#trace h3").filter({ hasText: "Armenia" }).waitFor();
    await page.locator("#trace mark").first().waitFor();
    const facts = await page.locator("#trace .fact").count();
    assert(facts >= 3, `${facts} facts for Armenia`);
    assert(page.url() === base.href, `navigated to ${page.url()}`);
    const selected = await page.locator("#diagram g.node.selected").count();
    assert(selected === 1, `${selected} nodes selected`);
  });

  await check("clicking an edge shows its claims, each sentence with its span marked", async () => {
    let target;
    let relation = "invoked";
    let object = "Article 4";
    try {
      target = await linkText("edge", { subject: "Armenia", relation, object });
    } catch {
      [relation, object] = ["member_of", "CSTO"];
      target = await linkText("edge", { subject: "Armenia", relation, object });
    }
    await target.click();
    const heading = page.locator("#trace .fact h4").first();
    await heading.filter({ hasText: relation }).waitFor();
    const text = (await heading.textContent()) || "";
    assert(text.startsWith(`Armenia ${relation} ${object}`), `fact heading: ${JSON.stringify(text)}`);
    assert(/— \d+ articles?$/.test(text), `fact heading: ${JSON.stringify(text)}`);
    const claims = await page.evaluate(() =>
      [...document.querySelectorAll("#trace .claim")].map((li) => ({
        sentence: li.querySelector("blockquote").textContent,
        marks: [...li.querySelectorAll("mark")].map((m) => m.textContent),
        source: li.querySelector(".source").textContent,
        meta: li.querySelector(".meta").textContent,
      })),
    );
    assert(claims.length >= 1, "no claims shown");
    for (const claim of claims) {
      assert(claim.marks.length === 1, `${claim.marks.length} marks in ${JSON.stringify(claim.sentence)}`);
      const [mark] = claim.marks;
      assert(mark.trim().length > 0, `empty mark in ${JSON.stringify(claim.sentence)}`);
      assert(claim.sentence.includes(mark), `${JSON.stringify(mark)} is not in ${JSON.stringify(claim.sentence)}`);
      assert(claim.source.trim().length > 0, "a claim without its article");
      assert(/rule /.test(claim.meta), `meta: ${JSON.stringify(claim.meta)}`);
    }
    if (relation === "invoked") {
      assert(
        claims.some((c) => /invoked/i.test(c.marks[0])),
        `no mark says "invoked": ${JSON.stringify(claims.map((c) => c.marks[0]))}`,
      );
    }
    const selected = await page.locator("#diagram g.edge.selected").count();
    assert(selected === 1, `${selected} edges selected`);
    assert(page.url() === base.href, `navigated to ${page.url()}`);
    if (SCREENSHOT) await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  await check("an entity in the results links to its trace", async () => {
    await page.fill("#query-text", "PREFIX ent: <https://w3id.org/alliance-kg/id/>\nSELECT ?e WHERE { VALUES ?e { ent:Belarus } }");
    await page.click("#run");
    const link = page.locator("#results table a[data-trace]").first();
    await link.waitFor();
    assert((await link.textContent()) === "ent:Belarus", `link text ${await link.textContent()}`);
    await link.click();
    await page.locator("#trace h3").filter({ hasText: "Belarus" }).waitFor();
    assert(page.url() === base.href, `navigated to ${page.url()}`);
  }, { critical: false });

  await check("a malformed query shows the server's message", async () => {
    expectingError = true;
    await page.fill("#query-text", "SELEC ?x WHERE { ?x ?p ?o }");
    await page.click("#run");
    const error = page.locator("#error");
    await error.waitFor({ state: "visible" });
    const message = (await error.textContent()) || "";
    assert(/HTTP 400/.test(message) && message.length > "(HTTP 400 Bad Request)".length + 5, `error: ${JSON.stringify(message)}`);
    await page.waitForTimeout(200);
    expectingError = false;
  }, { critical: false });

  await check("no console errors", async () => {
    assert(consoleErrors.length === 0, consoleErrors.join("\n"));
  }, { critical: false });
  await check("no requests to other hosts", async () => {
    assert(foreignRequests.length === 0, foreignRequests.join("\n"));
  }, { critical: false });
  await check("no failed requests", async () => {
    assert(badResponses.length === 0, badResponses.join("\n"));
  }, { critical: false });
} catch (err) {
  if (!failures.length) failures.push(err && err.stack ? err.stack : String(err));
} finally {
  clearTimeout(timer);
  if (context) await context.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}

console.log(`browser: ${passed} passed, ${failures.length} failed`);
if (failures.length) {
  console.error(`browser test failed:\n- ${failures.join("\n- ")}`);
  process.exit(1);
}
