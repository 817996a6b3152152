// The LINE simulator's chat page. Everything the page shows lives in the
// simulator (server side); the page draws it and sends what the person does.
// Text from the bot or the person only ever reaches the page through
// textContent, never as markup.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const ui = {
    select: $("user-select"), newUser: $("new-user"), openTab: $("open-tab"),
    whoami: $("whoami"), friend: $("friend"), friendNote: $("friend-note"),
    follow: $("follow"), block: $("block"), notice: $("notice"),
    chat: $("chat"), empty: $("empty"), quick: $("quick"),
    composer: $("composer"), text: $("text"), send: $("send"),
    dialog: $("new-user-dialog"), dialogForm: $("new-user-form"),
    dialogName: $("new-user-name"), dialogCancel: $("new-user-cancel"),
  };

  const state = {
    users: [],
    userId: "",
    user: null,       // the current user as the server last described them
    entries: [],
    lastSeq: 0,
    loading: false,
    loadingTimer: 0,
    generation: 0,    // bumped on every user switch; stale polls stop
    abort: null,
  };

  const NAMES = ["山田 花子", "佐藤 一郎", "鈴木 和子", "高橋 茂", "田中 幸子", "伊藤 正男", "渡辺 節子", "中村 清"];
  const VIA = { reply: "応答", push: "プッシュ", multicast: "一斉送信" };

  // ---- small helpers ----

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function notice(msg) {
    ui.notice.textContent = msg;
    ui.notice.hidden = !msg;
  }

  async function api(method, path, body) {
    const res = await fetch(path, {
      method,
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
      signal: method === "GET" && state.abort ? state.abort.signal : undefined,
    });
    let data = null;
    try { data = await res.json(); } catch (_) { /* empty or not JSON */ }
    if (!res.ok) {
      const err = new Error((data && data.error) || ("HTTP " + res.status));
      err.status = res.status;
      throw err;
    }
    return data;
  }

  function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

  function clock(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return "";
    return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
  }

  // ---- users ----

  async function loadUsers() {
    const data = await fetch("sim/line/users").then((r) => r.json());
    state.users = data.users || [];
    drawUserSelect();
  }

  function drawUserSelect() {
    ui.select.replaceChildren();
    if (!state.users.length) {
      ui.select.append(el("option", "", "（まだいません）"));
      ui.select.disabled = true;
      return;
    }
    ui.select.disabled = false;
    for (const u of state.users) {
      const o = el("option", "", u.displayName + (u.state === "blocked" ? "（ブロック中）" : u.state === "new" ? "（友だち追加前）" : ""));
      o.value = u.userId;
      o.selected = u.userId === state.userId;
      ui.select.append(o);
    }
  }

  async function createUser(userId, displayName) {
    const u = await api("POST", "sim/line/users", { userId: userId || "", displayName: displayName || "" });
    await loadUsers();
    return u;
  }

  function selectUser(id) {
    if (!id) return;
    state.userId = id;
    state.user = state.users.find((u) => u.userId === id) || null;
    state.entries = [];
    state.lastSeq = 0;
    state.loading = false;
    try { localStorage.setItem("linesim.user", id); } catch (_) { /* private mode */ }
    const url = new URL(location.href);
    url.searchParams.set("user", id);
    history.replaceState(null, "", url);
    ui.openTab.href = "?user=" + encodeURIComponent(id);
    ui.openTab.hidden = false;
    drawUserSelect();
    drawAll();
    restartPolling();
  }

  // ---- polling: long-poll the server for new chat entries ----

  function restartPolling() {
    if (state.abort) state.abort.abort();
    state.abort = new AbortController();
    state.generation++;
    poll(state.generation);
  }

  async function poll(gen) {
    while (gen === state.generation) {
      try {
        const q = new URLSearchParams({
          user: state.userId, after: String(state.lastSeq), wait: "25", loading: state.loading ? "1" : "0",
        });
        const data = await api("GET", "sim/line/messages?" + q.toString());
        if (gen !== state.generation) return;
        apply(data);
      } catch (err) {
        if (gen !== state.generation || (err && err.name === "AbortError")) return;
        console.warn("linesim poll:", err);
        notice("シミュレーターにつながりません。再接続しています…");
        await sleep(1000);
      }
    }
  }

  function apply(data) {
    if (ui.notice.textContent.startsWith("シミュレーターにつながりません")) notice("");
    const before = state.user && state.user.state;
    state.user = data.user;
    for (const e of data.entries || []) {
      if (e.seq > state.lastSeq) {
        state.entries.push(e);
        state.lastSeq = e.seq;
      }
    }
    state.loading = !!data.loading;
    clearTimeout(state.loadingTimer);
    if (state.loading) {
      state.loadingTimer = setTimeout(() => { state.loading = false; drawAll(); }, data.loadingMs || 0);
    }
    if (before !== state.user.state) loadUsers().catch(() => {});
    drawAll();
  }

  // ---- drawing ----

  function drawAll() {
    drawFriend();
    const nearBottom = ui.chat.scrollHeight - ui.chat.scrollTop - ui.chat.clientHeight < 120;
    ui.chat.replaceChildren();
    if (!state.userId) {
      ui.chat.append(ui.empty);
    }
    for (const e of state.entries) ui.chat.append(drawEntry(e));
    if (state.loading) {
      const row = el("div", "row bot");
      row.append(el("span", "avatar", "つ"));
      const b = el("div", "bubble typing");
      b.setAttribute("aria-label", "入力中");
      b.append(el("span"), el("span"), el("span"));
      row.append(b);
      ui.chat.append(row);
    }
    drawQuickReplies();
    if (nearBottom || state.entries.length < 3) ui.chat.scrollTop = ui.chat.scrollHeight;
  }

  function drawFriend() {
    const u = state.user;
    ui.whoami.textContent = u ? u.displayName + " さんとして話しています" : "LINE シミュレーター";
    const blocked = u && u.state === "blocked";
    ui.text.disabled = ui.send.disabled = !u || blocked;
    if (!u) { ui.friend.hidden = true; return; }
    ui.friend.hidden = false;
    ui.friend.classList.toggle("following", u.state === "following");
    if (u.state === "following") {
      ui.friendNote.textContent = "友だちです";
      ui.follow.hidden = true;
      ui.block.hidden = false;
    } else if (blocked) {
      ui.friendNote.textContent = "ブロック中です。メッセージは届きません。";
      ui.follow.textContent = "ブロック解除";
      ui.follow.hidden = false;
      ui.block.hidden = true;
    } else {
      ui.friendNote.textContent = "まだ友だちではありません。「友だち追加」で会話がはじまります。";
      ui.follow.textContent = "友だち追加";
      ui.follow.hidden = false;
      ui.block.hidden = true;
    }
  }

  function drawEntry(e) {
    if (e.from === "event") {
      const row = el("div", "event" + (e.kind === "error" ? " error" : ""));
      let text;
      switch (e.kind) {
        case "follow": text = "友だち追加しました"; break;
        case "unfollow": text = "ブロックしました"; break;
        case "postback": text = "「" + e.text + "」をタップしました"; break;
        case "error": text = "ボットに届きませんでした: " + e.text; break;
        default: text = e.text || e.kind;
      }
      row.append(el("span", "", text));
      return row;
    }
    const mine = e.from === "user";
    const row = el("div", "row " + (mine ? "user" : "bot"));
    const meta = el("div", "meta");
    meta.append(el("span", "", clock(e.at)));
    if (!mine && e.via) meta.append(el("span", "via", VIA[e.via] || e.via));
    const stack = el("div", "stack");
    if (mine) {
      stack.append(el("div", "bubble", e.text));
      row.append(meta, stack);
    } else {
      row.append(el("span", "avatar", "つ"));
      stack.append(drawMessage(e.message || {}));
      row.append(stack, meta);
    }
    return row;
  }

  // drawMessage draws one message object as the bot sent it.
  function drawMessage(m) {
    switch (m.type) {
      case "text":
      case "textV2":
        return el("div", "bubble", m.text);
      case "flex":
        return drawFlexContainer(m.contents || {});
      case "template":
        return drawTemplate(m.template || {}, m.altText);
      case "image": {
        if (isWebURL(m.previewImageUrl || m.originalContentUrl)) {
          const img = el("img", "picture");
          img.src = m.previewImageUrl || m.originalContentUrl;
          img.alt = "画像";
          img.referrerPolicy = "no-referrer";
          return img;
        }
        return el("div", "bubble other", "［画像］");
      }
      case "sticker":
        return el("div", "bubble other", "［スタンプ］");
      default:
        return el("div", "bubble other", "［" + (m.type || "不明な") + " メッセージ］" + (m.altText ? " " + m.altText : ""));
    }
  }

  function drawQuickReplies() {
    ui.quick.replaceChildren();
    const last = state.entries[state.entries.length - 1];
    // LINE shows quick replies only while their message is the newest one.
    const items = last && last.from === "bot" && last.message && last.message.quickReply && last.message.quickReply.items;
    if (!items || !items.length || !state.user || state.user.state === "blocked") {
      ui.quick.hidden = true;
      return;
    }
    for (const it of items) {
      const a = it.action || {};
      const chip = el("button", "chip", a.label || a.text || a.type);
      chip.type = "button";
      chip.addEventListener("click", () => act(a));
      ui.quick.append(chip);
    }
    ui.quick.hidden = false;
  }

  // ---- Flex ----

  const TEXT_SIZE = { xxs: 11, xs: 13, sm: 14, md: 16, lg: 19, xl: 22, xxl: 29, "3xl": 35, "4xl": 48, "5xl": 74 };
  const SPACE = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
  const BORDER = { none: 0, light: 0.5, normal: 1, medium: 2, "semi-bold": 3, bold: 4 };
  const IMAGE_SIZE = { xxs: 40, xs: 60, sm: 80, md: 100, lg: 120, xl: 140, xxl: 160, "3xl": 180, "4xl": 200, "5xl": 240 };
  const ALIGN = { start: "flex-start", center: "center", end: "flex-end" };
  const JUSTIFY = ["flex-start", "center", "flex-end", "space-between", "space-around", "space-evenly"];

  // length reads a Flex size: a keyword of table, or a px or % value.
  function length(v, table, scale) {
    if (v === undefined || v === null || v === "") return null;
    if (table && Object.prototype.hasOwnProperty.call(table, v)) {
      return scale ? "calc(" + table[v] + "px * var(--flex-scale))" : table[v] + "px";
    }
    if (/^\d+(\.\d+)?px$/.test(v)) return scale ? "calc(" + v + " * var(--flex-scale))" : v;
    if (/^\d+(\.\d+)?%$/.test(v)) return v;
    return null;
  }

  function color(v) {
    return /^#([0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/.test(v || "") ? v : null;
  }

  function isWebURL(u) { return typeof u === "string" && /^https?:\/\//i.test(u); }

  function drawFlexContainer(c) {
    if (c.type === "carousel") {
      const car = el("div", "carousel");
      for (const b of c.contents || []) car.append(drawBubble(b));
      return car;
    }
    if (c.type === "bubble") return drawBubble(c);
    return el("div", "bubble other", "［Flex: " + (c.type || "?") + "］");
  }

  // Default padding of the bubble blocks when their box sets none.
  const PART_PADDING = { header: "20px", hero: "0px", body: "20px", footer: "10px" };

  function drawBubble(b) {
    const bubble = el("div", "flex-bubble size-" + (b.size || "mega"));
    const styles = b.styles || {};
    let first = true;
    for (const part of ["header", "hero", "body", "footer"]) {
      const c = b[part];
      if (!c) continue;
      const st = styles[part] || {};
      const node = drawComponent(c, "vertical", true, null, PART_PADDING[part]);
      node.classList.add("flex-part-" + part);
      if (color(st.backgroundColor)) node.style.backgroundColor = st.backgroundColor;
      if (st.separator && !first) node.style.borderTop = "1px solid " + (color(st.separatorColor) || "#e5e5e5");
      if (part === "body") node.style.flex = "1 1 auto";
      bubble.append(node);
      first = false;
    }
    if (b.action) tappable(bubble, b.action);
    return bubble;
  }

  // drawComponent draws one Flex component inside a box of layout parent.
  function drawComponent(c, parent, isFirst, spacing, defaultPadding) {
    let node;
    switch (c.type) {
      case "box": node = drawBox(c, defaultPadding); break;
      case "text": node = drawText(c, parent); break;
      case "button": node = drawButton(c); break;
      case "separator": node = drawSeparator(c, parent); break;
      case "image": node = drawImage(c); break;
      case "icon": node = drawIcon(c); break;
      case "filler": node = el("div", "flex-filler"); break;
      case "spacer": {
        node = el("div", "flex-spacer");
        const s = length(c.size || "md", SPACE) || "8px";
        if (parent === "vertical") node.style.height = s; else node.style.width = s;
        break;
      }
      case "video": node = c.altContent ? drawComponent(c.altContent, parent, true, null) : el("div", "flex-missing", "動画"); break;
      default: node = el("div", "flex-missing", "［" + c.type + "］");
    }
    const horizontal = parent !== "vertical";
    if (c.type !== "separator" && c.type !== "spacer") {
      const flex = typeof c.flex === "number" ? c.flex : (c.type === "filler" ? 1 : horizontal ? 1 : 0);
      if (horizontal) {
        node.style.flex = flex > 0 ? flex + " 1 0%" : "0 0 auto";
      } else {
        node.style.flex = flex > 0 ? flex + " 0 auto" : "0 0 auto";
      }
    }
    const margin = isFirst ? null : (length(c.margin, SPACE) || spacing);
    if (margin) {
      if (horizontal) node.style.marginLeft = margin; else node.style.marginTop = margin;
    }
    if (c.gravity && horizontal) {
      node.style.alignSelf = { top: "flex-start", center: "center", bottom: "flex-end" }[c.gravity] || "";
    }
    if (c.position === "absolute") {
      node.style.position = "absolute";
      for (const [k, css] of [["offsetTop", "top"], ["offsetBottom", "bottom"], ["offsetStart", "left"], ["offsetEnd", "right"]]) {
        const v = length(c[k], SPACE);
        if (v) node.style[css] = v;
      }
    } else {
      const rel = [["offsetTop", "top"], ["offsetBottom", "bottom"], ["offsetStart", "left"], ["offsetEnd", "right"]]
        .map(([k, css]) => [length(c[k], SPACE), css]).filter(([v]) => v);
      if (rel.length) {
        node.style.position = "relative";
        for (const [v, css] of rel) node.style[css] = v;
      }
    }
    return node;
  }

  function drawBox(b, defaultPadding) {
    const layout = b.layout || "vertical";
    const box = el("div", "flex-box flex-" + layout);
    box.style.flexDirection = layout === "vertical" ? "column" : "row";
    if (layout === "baseline") box.style.alignItems = "baseline";
    if (defaultPadding) box.style.padding = defaultPadding;
    const pad = length(b.paddingAll, SPACE);
    if (pad) box.style.padding = pad;
    for (const [k, css] of [["paddingTop", "paddingTop"], ["paddingBottom", "paddingBottom"], ["paddingStart", "paddingLeft"], ["paddingEnd", "paddingRight"]]) {
      const v = length(b[k], SPACE);
      if (v) box.style[css] = v;
    }
    if (color(b.backgroundColor)) box.style.backgroundColor = b.backgroundColor;
    const bg = b.background;
    if (bg && bg.type === "linearGradient" && color(bg.startColor) && color(bg.endColor)) {
      const angle = /^-?\d+(\.\d+)?deg$/.test(bg.angle || "") ? bg.angle : "0deg";
      const stops = [bg.startColor];
      if (color(bg.centerColor)) stops.push(bg.centerColor + (/^\d+(\.\d+)?%$/.test(bg.centerPosition || "") ? " " + bg.centerPosition : ""));
      stops.push(bg.endColor);
      box.style.backgroundImage = "linear-gradient(" + angle + ", " + stops.join(", ") + ")";
    }
    const bw = length(b.borderWidth, BORDER);
    if (bw || color(b.borderColor)) {
      box.style.borderStyle = "solid";
      box.style.borderWidth = bw || "1px";
      box.style.borderColor = color(b.borderColor) || "#000";
    }
    const radius = length(b.cornerRadius, SPACE);
    if (radius) box.style.borderRadius = radius;
    for (const k of ["width", "maxWidth", "height", "maxHeight"]) {
      const v = length(b[k]);
      if (v) box.style[k] = v;
    }
    if (JUSTIFY.includes(b.justifyContent)) box.style.justifyContent = b.justifyContent;
    if (JUSTIFY.includes(b.alignItems)) box.style.alignItems = b.alignItems;
    const spacing = length(b.spacing, SPACE);
    (b.contents || []).forEach((c, i) => box.append(drawComponent(c, layout, i === 0, spacing)));
    if (b.action) tappable(box, b.action);
    return box;
  }

  function styleText(node, t) {
    const size = length(t.size || "md", TEXT_SIZE, true);
    if (size) node.style.fontSize = size;
    if (t.weight === "bold") node.style.fontWeight = "700";
    if (color(t.color)) node.style.color = t.color;
    if (t.style === "italic") node.style.fontStyle = "italic";
    if (t.decoration === "underline" || t.decoration === "line-through") node.style.textDecoration = t.decoration;
  }

  function drawText(t, parent) {
    const node = el("div", "flex-text");
    if (Array.isArray(t.contents) && t.contents.length) {
      for (const s of t.contents) {
        const span = el("span", "", s.text || "");
        styleText(span, s);
        node.append(span);
      }
    } else {
      node.textContent = t.text || "";
    }
    styleText(node, { size: t.size, weight: t.weight, color: t.color, style: t.style, decoration: t.decoration });
    if (ALIGN[t.align]) node.style.textAlign = { start: "left", center: "center", end: "right" }[t.align];
    if (t.wrap) {
      node.style.whiteSpace = "pre-wrap";
      node.style.overflowWrap = "anywhere";
      if (t.maxLines > 0) {
        node.style.display = "-webkit-box";
        node.style.webkitBoxOrient = "vertical";
        node.style.webkitLineClamp = String(t.maxLines);
        node.style.overflow = "hidden";
      }
    } else {
      node.style.whiteSpace = "nowrap";
      node.style.overflow = "hidden";
      node.style.textOverflow = "ellipsis";
    }
    const ls = length(t.lineSpacing);
    if (ls) node.style.lineHeight = "calc(1.4em + " + ls + ")";
    if (parent === "baseline") node.style.alignSelf = "baseline";
    if (t.action) tappable(node, t.action);
    return node;
  }

  function drawButton(b) {
    const a = b.action || {};
    const style = ["primary", "secondary", "link"].includes(b.style) ? b.style : "link";
    const node = el("button", "flex-button style-" + style, a.label || "");
    node.type = "button";
    node.style.minHeight = b.height === "sm" ? "40px" : "52px";
    const c = color(b.color);
    if (c) {
      if (style === "link") node.style.color = c; else node.style.backgroundColor = c;
    }
    node.addEventListener("click", (ev) => { ev.stopPropagation(); act(a); });
    return node;
  }

  function drawSeparator(s, parent) {
    const node = el("div", "flex-separator");
    const c = color(s.color) || "#e5e5e5";
    if (parent === "vertical") {
      node.style.borderTop = "1px solid " + c;
    } else {
      node.style.borderLeft = "1px solid " + c;
      node.style.alignSelf = "stretch";
    }
    return node;
  }

  function drawImage(i) {
    if (!isWebURL(i.url)) return el("div", "flex-missing", "画像");
    const wrap = el("div", "flex-image-wrap");
    wrap.style.display = "flex";
    wrap.style.justifyContent = ALIGN[i.align] || "center";
    const img = el("img", "flex-image");
    img.src = i.url;
    img.alt = "";
    img.referrerPolicy = "no-referrer";
    const size = i.size === "full" ? "100%" : length(i.size || "md", IMAGE_SIZE);
    img.style.width = size || "100px";
    const ratio = /^(\d+(\.\d+)?):(\d+(\.\d+)?)$/.exec(i.aspectRatio || "1:1");
    if (ratio) img.style.aspectRatio = ratio[1] + " / " + ratio[3];
    img.style.objectFit = i.aspectMode === "cover" ? "cover" : "contain";
    if (color(i.backgroundColor)) img.style.backgroundColor = i.backgroundColor;
    wrap.append(img);
    if (i.action) tappable(wrap, i.action);
    return wrap;
  }

  function drawIcon(i) {
    const size = length(i.size || "md", TEXT_SIZE, true) || "16px";
    if (!isWebURL(i.url)) return el("span", "", "");
    const img = el("img", "flex-icon");
    img.src = i.url;
    img.alt = "";
    img.referrerPolicy = "no-referrer";
    img.style.height = size;
    img.style.width = "auto";
    return img;
  }

  // ---- templates (older rich messages) ----

  function drawTemplate(t, altText) {
    if (t.type === "carousel") {
      const car = el("div", "carousel");
      for (const col of t.columns || []) car.append(drawTemplateCard(col));
      return car;
    }
    if (t.type === "buttons" || t.type === "confirm") return drawTemplateCard(t);
    return el("div", "bubble other", "［テンプレート］" + (altText ? " " + altText : ""));
  }

  function drawTemplateCard(t) {
    const card = el("div", "template");
    if (isWebURL(t.thumbnailImageUrl)) {
      const img = el("img", "picture");
      img.src = t.thumbnailImageUrl;
      img.alt = "";
      img.referrerPolicy = "no-referrer";
      card.append(img);
    }
    if (t.title) card.append(el("div", "template-title", t.title));
    card.append(el("div", "template-text", t.text || ""));
    for (const a of t.actions || []) {
      const b = el("button", "flex-button style-link", a.label || "");
      b.type = "button";
      b.addEventListener("click", () => act(a));
      card.append(b);
    }
    if (t.defaultAction) tappable(card, t.defaultAction);
    return card;
  }

  // ---- doing things ----

  function tappable(node, action) {
    node.classList.add("tappable");
    node.tabIndex = 0;
    node.setAttribute("role", "button");
    node.addEventListener("click", (ev) => { ev.stopPropagation(); act(action); });
    node.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); act(action); }
    });
  }

  // act does what tapping an action does in LINE.
  function act(a) {
    if (!a || !state.userId) return;
    switch (a.type) {
      case "postback":
        if (a.inputOption === "openKeyboard" && a.fillInText) {
          ui.text.value = a.fillInText;
          ui.text.focus();
        }
        return send("tap", { data: a.data || "", displayText: a.displayText || "", label: a.label || "" });
      case "message":
        return send("say", { text: a.text || "" });
      case "uri":
        if (/^(https?:|tel:|mailto:)/i.test(a.uri || "")) {
          window.open(a.uri, "_blank", "noopener,noreferrer");
        } else {
          notice("このリンクはシミュレーターでは開けません: " + (a.uri || ""));
        }
        return;
      default:
        notice("「" + a.type + "」の操作はシミュレーターでは使えません。");
    }
  }

  async function send(what, body) {
    if (!state.userId) return;
    notice("");
    try {
      await api("POST", "sim/line/" + what, Object.assign({ user: state.userId }, body));
    } catch (err) {
      notice(err.status === 409 ? "ブロック中です。「ブロック解除」を押してください。" : "送れませんでした: " + err.message);
    }
  }

  function submitText() {
    const text = ui.text.value.trim();
    if (!text || ui.text.disabled) return;
    ui.text.value = "";
    autosize();
    send("say", { text });
  }

  function autosize() {
    ui.text.style.height = "auto";
    ui.text.style.height = Math.min(ui.text.scrollHeight + 2, 160) + "px";
  }

  function openNewUserDialog() {
    ui.dialogName.value = NAMES[Math.floor(Math.random() * NAMES.length)];
    if (typeof ui.dialog.showModal === "function") {
      ui.dialog.showModal();
      ui.dialogName.select();
    } else {
      const name = window.prompt("LINEの表示名", ui.dialogName.value);
      if (name) newUser(name);
    }
  }

  async function newUser(name) {
    try {
      const u = await createUser("", name.trim());
      selectUser(u.userId);
    } catch (err) {
      notice("つくれませんでした: " + err.message);
    }
  }

  // ---- wiring ----

  ui.composer.addEventListener("submit", (ev) => { ev.preventDefault(); submitText(); });
  ui.text.addEventListener("keydown", (ev) => {
    // Enter sends, Shift+Enter breaks the line; never while the IME is
    // still converting kana.
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing && ev.keyCode !== 229) {
      ev.preventDefault();
      submitText();
    }
  });
  ui.text.addEventListener("input", autosize);
  ui.select.addEventListener("change", () => selectUser(ui.select.value));
  ui.newUser.addEventListener("click", openNewUserDialog);
  ui.dialogCancel.addEventListener("click", () => ui.dialog.close());
  ui.dialogForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const name = ui.dialogName.value.trim();
    if (!name) return;
    ui.dialog.close();
    newUser(name);
  });
  ui.follow.addEventListener("click", () => send("follow", {}));
  ui.block.addEventListener("click", () => {
    if (window.confirm("このアカウントをブロックしますか？")) send("unfollow", {});
  });
  // Someone may create users in other tabs or the bot may push to new ones.
  setInterval(() => { loadUsers().catch(() => {}); }, 5000);

  async function start() {
    try {
      await loadUsers();
    } catch (err) {
      notice("シミュレーターにつながりません: " + err.message);
      return;
    }
    let want = new URLSearchParams(location.search).get("user");
    if (want && !state.users.some((u) => u.userId === want)) {
      try {
        await createUser(want, "");
      } catch (err) {
        notice("そのユーザーは使えません: " + err.message);
        want = "";
      }
    }
    if (!want) {
      let saved = "";
      try { saved = localStorage.getItem("linesim.user") || ""; } catch (_) { /* private mode */ }
      want = state.users.some((u) => u.userId === saved) ? saved : (state.users[0] && state.users[0].userId);
    }
    if (want) selectUser(want);
    else { drawAll(); openNewUserDialog(); }
  }

  start();
})();
