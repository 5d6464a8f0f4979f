// Drives the sandbox review console in headless Chromium (Debian's /usr/bin/chromium) the way a
// reviewer would: approve case B as an allowed approver (through the confirm dialog), deny a
// request through the deny modal, get refused as a non-reviewer, read the audit trail with
// /refund audit, and save a screenshot. Run by console_pgtest.cpp:
//   node console_browser.cjs <base url> <screenshot.png>
// Prints one line per step; exits non-zero on the first failure.
"use strict";
const { chromium } = require("playwright-core");

const [base, screenshot] = process.argv.slice(2);
const step = (s) => console.log(`console: ${s}`);

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
    const problems = [];
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
    await page.goto(`${base}/sandbox`);

    const card = (id) => page.locator("#messages > .msg", { has: page.locator(".block-header", { hasText: `(${id})` }) });
    const caseB = card("rf_case_b");
    await caseB.waitFor({ timeout: 20000 });
    step("case B's review card is shown");
    for (const text of ["Refund review: 350.00 USD (rf_case_b)", "Customer-provided text (unverified)", "Policy checks", "Risk score"]) {
      if (!(await caseB.innerText()).includes(text)) throw new Error(`case B's card lacks "${text}"`);
    }

    // A user without authority is refused, and told so privately.
    await page.selectOption("#user", "U0SBXOUT");
    await caseB.getByRole("button", { name: "Approve refund" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Refund" }).click();
    await page.locator("#private-posts .msg").filter({ hasText: /not allowed|may not|cannot/i }).first().waitFor({ timeout: 20000 });
    step("a non-reviewer's click is refused with a private reply");

    // An allowed approver approves through the confirm dialog; the card turns resolved.
    await page.selectOption("#user", "U0SBXLEAD");
    await caseB.getByRole("button", { name: "Approve refund" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    if (!(await dialog.innerText()).includes("Refund 350.00 USD?")) throw new Error("the confirm dialog does not name the amount");
    await dialog.getByRole("button", { name: "Refund" }).click();
    const resolvedB = page.locator("#messages > .msg.resolved", { has: page.locator(".block-header", { hasText: "rf_case_b:" }) });
    await resolvedB.waitFor({ timeout: 30000 });
    if (await resolvedB.getByRole("button").count()) throw new Error("the resolved card still has buttons");
    step(`case B's card is resolved: ${(await resolvedB.locator(".block-header").innerText()).trim()}`);
    // The outcome also goes to the card's thread, shown under it.
    await page.locator("#messages > .thread .msg", { hasText: "rf_case_b" }).first().waitFor({ timeout: 20000 });
    step("the thread reply is shown under the card");

    // The deny modal: no reason keeps it open with Slack's field error; a reason closes it.
    const missing = card("rf_sbx_not_received");
    await missing.getByRole("button", { name: "Deny" }).click();
    const modal = page.getByRole("dialog", { name: "Deny refund" });
    await modal.waitFor({ timeout: 20000 });
    await modal.getByRole("button", { name: "Deny" }).click();
    await modal.locator(".error", { hasText: "Choose a reason" }).waitFor({ timeout: 10000 });
    step("the deny modal refuses a submission without a reason");
    const select = modal.locator("select");
    const reason = await select.locator("option").nth(1).getAttribute("value");
    await select.selectOption(reason);
    await modal.locator("textarea").fill("Sandbox test: denied from the console");
    await modal.getByRole("button", { name: "Deny" }).click();
    await modal.waitFor({ state: "detached", timeout: 10000 });
    await page.locator("#messages > .msg.resolved", { has: page.locator(".block-header", { hasText: "rf_sbx_not_received:" }) }).waitFor({ timeout: 30000 });
    step(`rf_sbx_not_received denied through the modal (reason ${reason})`);

    // The audit trail, asked for as Slack would send /refund audit.
    await page.fill("#command-text", "audit rf_case_b");
    await page.click("#command button");
    const trail = page.locator("#private-posts .msg", { hasText: "Audit trail: rf_case_b" });
    await trail.waitFor({ timeout: 20000 });
    const text = await trail.innerText();
    for (const expected of ["APPROVED", "U0SBXLEAD"]) {
      if (!text.includes(expected)) throw new Error(`the audit trail lacks ${expected}:\n${text}`);
    }
    step("the audit trail shows the approval by U0SBXLEAD");

    // Customer text cannot ping or link: no mention chips or links in the injection card.
    const injection = card("rf_sbx_injection");
    if (await injection.locator("a, .mention").count()) throw new Error("customer text became a link or a mention");
    step("customer text in the injection card stays inert");

    if ((await page.locator("body").innerText()).includes("[object")) throw new Error("something rendered as [object ...]");

    // The picture in the README: the channel from the top, with case B resolved.
    await page.evaluate(() => { document.querySelector("main").scrollTo(0, 0); document.getElementById("toast").hidden = true; });
    await page.screenshot({ path: screenshot, fullPage: false });
    step(`screenshot saved to ${screenshot}`);
    if (problems.length) throw new Error(problems.join("\n"));
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(`console: FAILED: ${e.message}`);
  process.exit(1);
});
