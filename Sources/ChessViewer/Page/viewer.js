"use strict";
// The viewer: one position at a time, asked of the server's JSON API.

const GLYPHS = { K: "♔", Q: "♕", R: "♖", B: "♗", N: "♘", P: "♙", k: "♚", q: "♛", r: "♜", b: "♝", n: "♞", p: "♟" };
const FILLED = { k: "♚", q: "♛", r: "♜", b: "♝", n: "♞", p: "♟" };
// The figures' sequential colour map (dark blue to pale yellow), so the page reads like the PNGs.
const ANCHORS = [[32, 24, 78], [46, 66, 136], [36, 112, 142], [38, 152, 130], [92, 186, 96], [178, 212, 72], [246, 232, 120]];
const SQUARE = 50;
const SVG = "http://www.w3.org/2000/svg";

const state = {
  fen: "",
  flipped: false,
  legal: [],
  step: null,
  games: [],
  game: null,
  ply: 0,
  heat: null,
  marks: [],
  generation: 0,
};

const $ = (id) => document.getElementById(id);

// MARK: requests

let busy = 0;
let busySince = 0;
let busyTimer = null;

function showBusy() {
  const status = $("status");
  if (busy === 0) {
    status.classList.remove("busy");
    status.textContent = "";
    return;
  }
  const seconds = (performance.now() - busySince) / 1000;
  // Work under half a second shows nothing; longer work shows that it goes on, and for how long.
  if (seconds >= 0.5) {
    status.classList.add("busy");
    status.textContent = `working… ${seconds.toFixed(1)} s`;
  }
}

async function api(path, options = {}) {
  if (busy++ === 0) {
    busySince = performance.now();
    busyTimer = setInterval(showBusy, 100);
  }
  try {
    const response = await fetch(path, options);
    const body = await response.json().catch(() => ({ error: `${response.status} ${response.statusText}` }));
    if (!response.ok) throw new Error(body.error || `${response.status}`);
    return body;
  } finally {
    if (--busy === 0) clearInterval(busyTimer);
    showBusy();
  }
}

// Spaces as %20, not "+": the server reads a query as a URI, not as a form.
function query(parameters) {
  return Object.entries(parameters).filter(([, value]) => value != null && value !== "")
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join("&");
}

function say(text) { $("message").textContent = text || ""; }

// MARK: the board

function placement(fen) {
  const board = {};
  const rows = fen.split(" ")[0].split("/");
  rows.forEach((row, index) => {
    let file = 0;
    for (const symbol of row) {
      if (/\d/.test(symbol)) { file += Number(symbol); continue; }
      board["abcdefgh"[file] + (8 - index)] = symbol;
      file += 1;
    }
  });
  return board;
}

function corner(square) {
  const file = square.charCodeAt(0) - 97, rank = Number(square[1]) - 1;
  const column = state.flipped ? 7 - file : file, row = state.flipped ? rank : 7 - rank;
  return [column * SQUARE, row * SQUARE];
}

function centre(square) {
  const [x, y] = corner(square);
  return [x + SQUARE / 2, y + SQUARE / 2];
}

function element(name, attributes, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function squareAt(clientX, clientY) {
  const box = $("board").getBoundingClientRect();
  const column = Math.floor((clientX - box.left) / box.width * 8), row = Math.floor((clientY - box.top) / box.height * 8);
  if (column < 0 || column > 7 || row < 0 || row > 7) return null;
  const file = state.flipped ? 7 - column : column, rank = state.flipped ? row : 7 - row;
  return "abcdefgh"[file] + (rank + 1);
}

function drawBoard() {
  const squares = $("squares"), pieces = $("pieces"), marks = $("marks"), heat = $("heat");
  for (const group of [squares, pieces, marks, heat]) group.replaceChildren();
  for (let file = 0; file < 8; file++) {
    for (let rank = 0; rank < 8; rank++) {
      const square = "abcdefgh"[file] + (rank + 1);
      const [x, y] = corner(square);
      squares.append(element("rect", { x, y, width: SQUARE, height: SQUARE, class: (file + rank) % 2 ? "light" : "dark" }));
      const onLeft = state.flipped ? file === 7 : file === 0, onBottom = state.flipped ? rank === 7 : rank === 0;
      if (onLeft) squares.append(element("text", { x: x + 2, y: y + 10, class: "coordinate" }, rank + 1));
      if (onBottom) squares.append(element("text", { x: x + SQUARE - 8, y: y + SQUARE - 3, class: "coordinate" }, "abcdefgh"[file]));
    }
  }
  for (const square of state.marks) {
    const [x, y] = corner(square);
    marks.append(element("rect", { x, y, width: SQUARE, height: SQUARE, class: "mark" }));
  }
  if (state.heat) {
    for (const [square, value] of Object.entries(state.heat)) {
      const [x, y] = corner(square);
      const colour = value >= 0 ? "180, 4, 38" : "59, 76, 192";
      heat.append(element("rect", { x, y, width: SQUARE, height: SQUARE, fill: `rgba(${colour}, ${Math.min(1, Math.abs(value)) * 0.75})`,
                                    "data-square": square, "data-relevance": value.toFixed(3) }));
    }
  }
  for (const [square, symbol] of Object.entries(placement(state.fen))) {
    const [x, y] = centre(square);
    const white = symbol === symbol.toUpperCase();
    const group = element("g", { class: "piece", "data-square": square, "data-piece": symbol });
    if (white) group.append(element("text", { x, y: y + 2, fill: "white" }, FILLED[symbol.toLowerCase()]));
    group.append(element("text", { x, y: y + 2, fill: "black" }, GLYPHS[symbol]));
    pieces.append(group);
  }
}

function drawArrows(moves) {
  const arrows = $("arrows");
  arrows.replaceChildren();
  const best = moves.length ? moves[0].probability : 1;
  moves.slice(0, 4).forEach((move, index) => {
    const [x1, y1] = centre(move.from), [x2, y2] = centre(move.to);
    const length = Math.hypot(x2 - x1, y2 - y1), ux = (x2 - x1) / length, uy = (y2 - y1) / length;
    const width = 3 + 9 * move.probability / best, tipX = x2 - ux * 8, tipY = y2 - uy * 8;
    const colour = index === 0 ? "0, 114, 178" : "0, 158, 115";
    const opacity = 0.35 + 0.5 * move.probability / best;
    const group = element("g", { class: "arrow", "data-uci": move.uci, "data-probability": move.probability.toFixed(4) });
    group.append(element("line", { x1, y1, x2: tipX - ux * width, y2: tipY - uy * width, stroke: `rgba(${colour}, ${opacity})`, "stroke-width": width }));
    const side = Math.min(width * 1.3, length / 5);
    group.append(element("polygon", {
      points: `${tipX},${tipY} ${tipX - ux * side * 1.6 - uy * side},${tipY - uy * side * 1.6 + ux * side} ${tipX - ux * side * 1.6 + uy * side},${tipY - uy * side * 1.6 - ux * side}`,
      fill: `rgba(${colour}, ${opacity})`,
    }));
    group.append(element("title", {}, `${move.san}: ${(100 * move.probability).toFixed(1)}%`));
    arrows.append(group);
  });
}

// Dragging a piece plays a legal move (a pawn reaching the last rank becomes a queen).
function enableDragging() {
  const board = $("board");
  let drag = null;
  board.addEventListener("pointerdown", (event) => {
    const piece = event.target.closest(".piece");
    if (!piece) return;
    const from = piece.dataset.square;
    drag = { piece, from, start: [event.clientX, event.clientY] };
    piece.classList.add("dragging");
    board.setPointerCapture(event.pointerId);
    for (const move of state.legal.filter((m) => m.from === from)) {
      const [x, y] = centre(move.to);
      $("marks").append(element("circle", { cx: x, cy: y, r: 7, class: "target-dot" }));
    }
  });
  board.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const box = board.getBoundingClientRect(), scale = 400 / box.width;
    drag.piece.setAttribute("transform", `translate(${(event.clientX - drag.start[0]) * scale}, ${(event.clientY - drag.start[1]) * scale})`);
  });
  board.addEventListener("pointerup", (event) => {
    if (!drag) return;
    const to = squareAt(event.clientX, event.clientY), from = drag.from;
    drag = null;
    const candidates = state.legal.filter((m) => m.from === from && m.to === to);
    const move = candidates.find((m) => m.uci.length === 4 || m.uci.endsWith("q")) || candidates[0];
    if (move) {
      state.game = null;
      showGameControls();
      loadPosition(move.fen, [from, to]);
    } else {
      if (to && to !== from) say(`${from}–${to} is not a legal move here`);
      drawBoard();
    }
  });
}

// MARK: the panels

function colour(t) {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (ANCHORS.length - 1);
  const index = Math.min(Math.floor(clamped), ANCHORS.length - 2), fraction = clamped - index;
  const [a, b] = [ANCHORS[index], ANCHORS[index + 1]];
  return `rgb(${a.map((v, i) => Math.round(v + (b[i] - v) * fraction)).join(",")})`;
}

function showEvaluation(view) {
  state.legal = view.legal;
  $("model-name").textContent = view.model === "nnue" ? "Stockfish 15.1 NNUE" : `policy/value network, checkpoint ${view.step}`;
  const steps = $("step-select");
  if (steps.options.length !== view.steps.length) {
    steps.replaceChildren(...view.steps.map((step) => new Option(step, step)));
  }
  steps.value = view.step;
  const wdl = $("wdl");
  if (view.win != null) {
    wdl.hidden = false;
    wdl.querySelector(".win").style.width = `${100 * view.win}%`;
    wdl.querySelector(".draw").style.width = `${100 * view.draw}%`;
    wdl.querySelector(".loss").style.width = `${100 * view.loss}%`;
    $("wdl-text").textContent = `${view.side_to_move} to move: win ${(100 * view.win).toFixed(1)}%, draw ${(100 * view.draw).toFixed(1)}%, loss ${(100 * view.loss).toFixed(1)}%`;
  } else {
    wdl.hidden = true;
    $("wdl-text").textContent = view.evaluation != null ? `NNUE evaluation ${view.evaluation.toFixed(2)} pawns (White's view)` : "";
  }
  if (view.checkmate) $("wdl-text").textContent += " — checkmate";
  else if (view.stalemate) $("wdl-text").textContent += " — stalemate";
  else if (view.check) $("wdl-text").textContent += " — check";
  $("top-moves").replaceChildren(...view.moves.map((move) => {
    const item = document.createElement("li");
    item.dataset.uci = move.uci;
    item.innerHTML = `<b></b><span class="probability"></span>`;
    item.querySelector("b").textContent = move.san;
    item.querySelector(".probability").textContent = `${(100 * move.probability).toFixed(1)}%`;
    item.addEventListener("click", () => {
      const legal = state.legal.find((m) => m.uci === move.uci);
      if (legal) loadPosition(legal.fen, [legal.from, legal.to]);
    });
    return item;
  }));
  drawArrows(view.moves);
}

function showConcepts(reply) {
  $("concept-table").tBodies[0].replaceChildren(...reply.concepts.map((concept) => {
    const row = document.createElement("tr");
    row.title = concept.summary;
    row.dataset.concept = concept.name;
    row.innerHTML = "<td></td><td></td>";
    row.cells[0].textContent = concept.name;
    row.cells[1].textContent = concept.value == null ? "—" : concept.kind === "binary" ? (concept.value >= 0.5 ? "yes" : "no") : Number(concept.value.toFixed(3));
    return row;
  }));
}

function showProbes(reply) {
  $("probe-note").textContent = reply.probes.length
    ? `Each saved probe in ${reply.directory} read on this position: layers bottom to top, checkpoints ${reply.steps[0]}–${reply.steps[reply.steps.length - 1]} left to right.`
    : `No saved probes in ${reply.directory}; run chess-concepts probe --out ${reply.directory} (or serve --probes DIR).`;
  const grid = $("probe-grid");
  grid.replaceChildren(...reply.probes.map((probe) => {
    const values = probe.readings.flat().filter((v) => v != null);
    const known = probe.truth == null ? values : [...values, probe.truth];
    const scale = probe.kind === "logistic" ? [0, 1] : [Math.min(...known), Math.max(...known)];
    const box = document.createElement("div");
    box.className = "probe-heatmap";
    box.dataset.concept = probe.concept;
    const truth = probe.truth == null ? "—" : probe.kind === "logistic" ? (probe.truth >= 0.5 ? "true" : "false") : Number(probe.truth.toFixed(2));
    box.innerHTML = `<div class="title"></div><table></table>`;
    box.querySelector(".title").innerHTML = `${probe.concept} <span class="truth">(${truth})</span>`;
    const table = box.querySelector("table");
    const header = table.createTHead().insertRow();
    header.insertCell().className = "layer";
    reply.steps.forEach((step, column) => {
      const cell = header.insertCell();
      cell.className = "step";
      // Label the first and last checkpoints; the cells between say theirs on hover.
      if (column === 0 || column === reply.steps.length - 1) cell.textContent = step >= 1000 ? `${Math.round(step / 1000)}k` : step;
    });
    reply.layers.map((layer, index) => [layer, probe.readings[index]]).reverse().forEach(([layer, row]) => {
      const tr = table.tBodies[0]?.insertRow() ?? table.createTBody().insertRow();
      const label = tr.insertCell();
      label.className = "layer";
      label.textContent = layer;
      row.forEach((value, column) => {
        const cell = tr.insertCell();
        if (value == null) { cell.style.background = "#eee"; return; }
        cell.style.background = colour((value - scale[0]) / Math.max(scale[1] - scale[0], 1e-9));
        cell.title = `${probe.concept} at ${layer}, step ${reply.steps[column]}: ${value.toFixed(3)}`;
        cell.dataset.reading = value;
      });
    });
    return box;
  }));
  // The probes' concepts can be explained and searched for.
  const names = reply.probes.filter((p) => p.kind !== "multinomial").map((p) => p.concept);
  for (const [id, first] of [["relevance-target", ["value", "the value"]], ["search-concept", null]]) {
    const select = $(id), kept = select.value;
    select.replaceChildren(...(first ? [new Option(first[1], first[0])] : []), ...names.map((n) => new Option(n, n)));
    if ([...select.options].some((o) => o.value === kept)) select.value = kept;
  }
  $("run-search").disabled = names.length === 0;
  // Probes read any layer; relevance and search start at the last residual block unless another is chosen.
  const residual = reply.layers.filter((layer) => layer.startsWith("block"));
  for (const id of ["relevance-layer", "search-layer"]) {
    const select = $(id), kept = select.value;
    select.replaceChildren(...reply.layers.filter((layer) => layer !== "input").map((layer) => new Option(layer, layer)));
    select.value = [...select.options].some((o) => o.value === kept) ? kept : (residual[residual.length - 1] || reply.layers[reply.layers.length - 1]);
  }
  $("relevance-layer").disabled = $("relevance-target").value === "value";
}

async function showRelevance() {
  const generation = state.generation;
  const target = $("relevance-target").value;
  try {
    const reply = await api(`/api/relevance?${query({ fen: state.fen, target, rules: $("relevance-rules").value,
                                                      layer: target === "value" ? null : $("relevance-layer").value, step: state.step })}`);
    if (generation !== state.generation) return;
    state.heat = reply.squares;
    drawBoard();
    $("hide-relevance").hidden = false;
    const strongest = Object.entries(reply.squares).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1])).slice(0, 4)
      .map(([square, value]) => `${square} ${value > 0 ? "+" : ""}${value.toFixed(2)}`);
    $("relevance-text").textContent = `${reply.target === "value" ? "Value" : reply.target + " at " + reply.layer} = ${reply.prediction.toFixed(3)} `
      + `(${reply.rules}); red squares raise it, blue ones lower it. Strongest: ${strongest.join(", ")}.`;
  } catch (error) { say(error.message); }
}

async function runSearch() {
  const concept = $("search-concept").value;
  const body = { fen: state.fen, concept, method: $("search-method").value };
  if ($("search-layer").value) body.layer = $("search-layer").value;
  if (state.step != null) body.step = state.step;
  const result = $("search-result");
  result.replaceChildren();
  $("run-search").disabled = true;
  try {
    const reply = await api("/api/maximise", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    result.dataset.fen = reply.result_fen;
    result.dataset.holds = reply.holds;
    const verdict = reply.holds ? "holds" : reply.reached ? "fooled" : "missed";
    const words = { holds: `${concept} now holds`, fooled: `the probe reads ${concept}, but it does not hold: the probe was fooled`,
                    missed: `no ${reply.steps.length ? "" : "single "}edit sequence within the budget made the probe read ${concept}` };
    result.innerHTML = `<p><span class="verdict ${verdict}"></span></p><ol></ol><p class="note"></p>`;
    result.querySelector(".verdict").textContent = `${words[verdict]}.`;
    const list = result.querySelector("ol");
    const boards = [{ description: "start", fen: reply.fen, squares: [] }, ...reply.steps];
    boards.forEach((step, index) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.textContent = "show";
      button.dataset.fen = step.fen;
      button.addEventListener("click", () => loadPosition(step.fen, step.squares, { keepSearch: true }));
      item.textContent = index === 0 ? "start " : `${step.description} (${concept} = ${Number(step.concept.toFixed(2))}) `;
      item.append(button);
      list.append(item);
    });
    list.start = 0;
    result.querySelector(".note").textContent = `Probe at ${reply.layer}, step ${reply.step}: ${reply.probe_before.toFixed(3)} → ${reply.probe_after.toFixed(3)} `
      + `(target ${reply.threshold}); ${reply.method} search, ${reply.seconds.toFixed(2)} s. Result: ${reply.result_fen}`;
    const changed = reply.steps.flatMap((s) => s.squares);
    await loadPosition(reply.result_fen, changed, { keepSearch: true });
  } catch (error) {
    say(error.message);
  } finally {
    $("run-search").disabled = false;
  }
}

// MARK: positions and games

async function loadPosition(fen, marks = [], options = {}) {
  const generation = ++state.generation;
  // Scripts (and the browser test) wait for this to name the position once all of it is shown.
  delete document.body.dataset.shown;
  say("");
  state.heat = null;
  $("hide-relevance").hidden = true;
  $("relevance-text").textContent = "";
  if (!options.keepSearch) $("search-result").replaceChildren();
  let view;
  try {
    view = await api(`/api/eval?${query({ fen, step: state.step })}`);
  } catch (error) {
    say(error.message);
    return;
  }
  if (generation !== state.generation) return;
  state.fen = view.fen;
  state.marks = marks;
  $("fen-input").value = view.fen;
  drawBoard();
  showEvaluation(view);
  const [concepts, probes] = await Promise.allSettled([api(`/api/concepts?${query({ fen: view.fen })}`), api(`/api/probes?${query({ fen: view.fen })}`)]);
  if (generation !== state.generation) return;
  if (concepts.status === "fulfilled") showConcepts(concepts.value); else say(concepts.reason.message);
  if (probes.status === "fulfilled") showProbes(probes.value); else say(probes.reason.message);
  document.body.dataset.shown = view.fen;
}

function showGameControls() {
  const active = state.game !== null;
  $("game-nav").hidden = !active;
  $("game-select").hidden = state.games.length === 0;
  if (!active) return;
  const game = state.games[state.game];
  $("ply-label").textContent = state.ply === 0 ? "start" : `${Math.ceil(state.ply / 2)}${state.ply % 2 ? "." : "…"} ${game.moves[state.ply - 1]}`;
  $("previous-ply").disabled = $("first-ply").disabled = state.ply === 0;
  $("next-ply").disabled = $("last-ply").disabled = state.ply === game.fens.length - 1;
}

function goToPly(ply) {
  const game = state.games[state.game];
  state.ply = Math.max(0, Math.min(game.fens.length - 1, ply));
  showGameControls();
  loadPosition(game.fens[state.ply]);
}

async function uploadPGN(file) {
  try {
    const reply = await api("/api/pgn", { method: "POST", headers: { "Content-Type": "application/x-chess-pgn" }, body: await file.text() });
    if (reply.games.length === 0) { say(`No readable game in ${file.name}${reply.errors.length ? ": " + reply.errors[0] : ""}`); return; }
    state.games = reply.games;
    $("game-select").replaceChildren(...reply.games.map((game, index) =>
      new Option(`${game.number}. ${game.white} – ${game.black} ${game.result}`, index)));
    state.game = 0;
    goToPly(0);
    if (reply.errors.length) say(`${reply.errors.length} game(s) skipped: ${reply.errors[0]}`);
  } catch (error) { say(error.message); }
}

function start() {
  drawBoard();
  enableDragging();
  $("fen-form").addEventListener("submit", (event) => {
    event.preventDefault();
    state.game = null;
    showGameControls();
    loadPosition($("fen-input").value.trim());
  });
  $("start-position").addEventListener("click", () => { state.game = null; showGameControls(); loadPosition("startpos"); });
  $("flip").addEventListener("click", () => { state.flipped = !state.flipped; loadPosition(state.fen, state.marks, { keepSearch: true }); });
  $("step-select").addEventListener("change", (event) => { state.step = Number(event.target.value); loadPosition(state.fen, state.marks); });
  $("show-relevance").addEventListener("click", showRelevance);
  $("relevance-target").addEventListener("change", (event) => { $("relevance-layer").disabled = event.target.value === "value"; });
  $("hide-relevance").addEventListener("click", () => { state.heat = null; $("hide-relevance").hidden = true; $("relevance-text").textContent = ""; drawBoard(); });
  $("run-search").addEventListener("click", runSearch);
  $("pgn-file").addEventListener("change", (event) => { if (event.target.files[0]) uploadPGN(event.target.files[0]); });
  $("game-select").addEventListener("change", (event) => { state.game = Number(event.target.value); goToPly(0); });
  $("first-ply").addEventListener("click", () => goToPly(0));
  $("previous-ply").addEventListener("click", () => goToPly(state.ply - 1));
  $("next-ply").addEventListener("click", () => goToPly(state.ply + 1));
  $("last-ply").addEventListener("click", () => goToPly(Infinity));
  document.addEventListener("keydown", (event) => {
    if (state.game === null || event.target.tagName === "INPUT") return;
    if (event.key === "ArrowLeft") goToPly(state.ply - 1);
    if (event.key === "ArrowRight") goToPly(state.ply + 1);
  });
  const fen = new URLSearchParams(location.search).get("fen");
  loadPosition(fen || "startpos");
}

start();
