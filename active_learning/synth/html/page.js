// Fits and measures one card of the batch page (see templates.py for the markup contract).
// cardloop.show(i, frames) -> {ok, k, width, height, lines: [{text, ink: [x0, y0, x1, y1], baseline, runs}], qr}
// frames: wait until the shown card is painted (before a screenshot).
// Coordinates are CSS px relative to the card's top-left corner (= image pixels at scale 1).
"use strict";
window.cardloop = (() => {
  const canvas = document.createElement("canvas");
  const ctx = canvas.getContext("2d");
  const EPS = 0.5;
  const MIN_SCALE = 0.5;  // no line set below half its style size (k times its own squeeze)
  const MAX_STEPS = 7;  // k down to 0.9^6 = 0.53: a card that needs smaller type is redrawn, as real cards are not set that small

  function inside(r, box) {
    return r.left >= box.left - EPS && r.right <= box.right + EPS && r.top >= box.top - EPS && r.bottom <= box.bottom + EPS;
  }
  function overlaps(a, b) {
    return a.left < b.right - EPS && b.left < a.right - EPS && a.top < b.bottom - EPS && b.top < a.bottom - EPS;
  }
  function textRect(ln) {
    // horizontally the runs (and icon), vertically the line box: a font whose ascent + descent
    // exceed the line height still sits on its line, and lines stacked by CSS only touch
    let r = null;
    for (const s of ln.querySelectorAll(".r, .ico")) {
      const b = s.getBoundingClientRect();
      r = r ? {left: Math.min(r.left, b.left), right: Math.max(r.right, b.right)} : {left: b.left, right: b.right};
    }
    if (!r) return null;
    const b = ln.getBoundingClientRect();
    return {left: r.left, right: r.right, top: b.top, bottom: b.bottom};
  }
  function contentBox(el) {  // an element's box less its padding: where its lines must stay
    const b = el.getBoundingClientRect(), cs = getComputedStyle(el);
    return {left: b.left + parseFloat(cs.paddingLeft), right: b.right - parseFloat(cs.paddingRight),
            top: b.top + parseFloat(cs.paddingTop), bottom: b.bottom - parseFloat(cs.paddingBottom)};
  }
  function columnOf(ln, card) {
    return ln.parentElement.closest(".col, .logo") || card;
  }
  function problems(card) {
    const cardBox = card.getBoundingClientRect();
    const obstacles = [...card.querySelectorAll(".obst")].map(o => o.getBoundingClientRect());
    const rects = [];
    for (const ln of card.querySelectorAll(".ln")) {
      const r = textRect(ln);
      if (!r) continue;
      if (!inside(r, contentBox(columnOf(ln, card))) || !inside(r, cardBox))
        return `outside its column: ${ln.textContent.slice(0, 30)}`;
      if (obstacles.some(o => overlaps(r, o))) return "overlaps an obstacle";
      rects.push(r);
    }
    for (let i = 0; i < rects.length; i++)
      for (let j = i + 1; j < rects.length; j++)
        if (overlaps(rects[i], rects[j])) return "lines overlap";
    return null;
  }
  function shrinkLines(card) {  // a line wider than its column shrinks alone (down to 60%)
    const lines = [...card.querySelectorAll(".ln")];
    for (const ln of lines) ln.style.setProperty("--s", "1");
    const wanted = lines.map(ln => {
      const r = textRect(ln);
      if (!r) return 1;
      const box = contentBox(columnOf(ln, card));
      const room = box.right - box.left;
      return r.right - r.left > room ? Math.max(0.6, (room - 1) / (r.right - r.left)) : 1;
    });
    lines.forEach((ln, i) => { if (wanted[i] < 1) ln.style.setProperty("--s", String(wanted[i])); });
  }
  function measureLine(ln, origin) {
    const base = ln.querySelector(".bl").getBoundingClientRect().bottom - origin.top;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    const runs = [];
    let text = "";
    for (const s of ln.querySelectorAll(".r")) {
      const t = s.textContent;
      text += t;
      const cs = getComputedStyle(s);
      const box = s.getBoundingClientRect();
      const x = box.left - origin.left;
      const size = parseFloat(cs.fontSize);
      const spacing = cs.letterSpacing === "normal" ? 0 : parseFloat(cs.letterSpacing);
      runs.push({text: t, field: s.dataset.f || null, x, size, face: s.dataset.face, tracking: spacing, color: cs.color});
      if (!t.trim()) continue;
      ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      ctx.letterSpacing = `${spacing}px`;
      const m = ctx.measureText(t);
      x0 = Math.min(x0, x - m.actualBoundingBoxLeft);
      x1 = Math.max(x1, x + m.actualBoundingBoxRight);
      y0 = Math.min(y0, base - m.actualBoundingBoxAscent);
      y1 = Math.max(y1, base + m.actualBoundingBoxDescent);
    }
    if (x0 === Infinity) return null;
    return {text, ink: [x0, y0, x1, y1], baseline: base, runs};
  }
  async function show(i, frames) {
    for (const c of document.querySelectorAll(".card.on")) c.classList.remove("on");
    const card = document.getElementById("c" + i);
    card.classList.add("on");
    card.style.setProperty("--k", "1");
    void card.offsetHeight;
    await document.fonts.ready;
    let k = 1, why = null;
    for (let step = 0; step < MAX_STEPS; step++) {
      card.style.setProperty("--k", String(k));
      shrinkLines(card);
      why = problems(card);
      if (!why) break;
      k *= 0.9;
    }
    const squeeze = Math.min(1, ...[...card.querySelectorAll(".ln")].map(ln => parseFloat(ln.style.getPropertyValue("--s") || "1")));
    if (!why && k * squeeze < MIN_SCALE) why = `type too small (${(k * squeeze).toFixed(2)} of its size)`;
    const origin = card.getBoundingClientRect();
    const lines = [];
    for (const ln of card.querySelectorAll(".ln")) {
      const m = measureLine(ln, origin);
      if (m) lines.push(m);
    }
    const q = card.querySelector(".qr");
    const qr = q ? (b => [b.left - origin.left, b.top - origin.top, b.right - origin.left, b.bottom - origin.top])(q.getBoundingClientRect()) : null;
    // the screenshot must see this final state: let two frames be produced before answering
    if (frames) await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    return {ok: !why, why, k, width: origin.width, height: origin.height, lines, qr};
  }
  return {show};
})();
