// The Slack simulator's workspace page. Everything it shows lives in the
// simulator (server side); the page draws it and sends what the person
// does. Text from the app or people only ever reaches the page through
// textContent, never as markup.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const ui = {
    person: $("person-select"), addPerson: $("add-person"), openTab: $("open-tab"),
    channels: $("channel-list"), appItem: $("app-item"),
    title: $("conv-title"), sub: $("conv-sub"), tabs: $("tabs"), notice: $("notice"),
    messages: $("messages"), home: $("home"), composer: $("composer"), text: $("text"),
    modalLayer: $("modal-layer"), modalTitle: $("modal-title"), modalDepth: $("modal-depth"),
    modalBody: $("modal-body"), modalFailure: $("modal-failure"), modalClose: $("modal-close"),
    modalSubmit: $("modal-submit"), modalX: $("modal-x"),
    confirm: $("confirm-dialog"), confirmTitle: $("confirm-title"), confirmText: $("confirm-text"),
    confirmOk: $("confirm-ok"), confirmDeny: $("confirm-deny"),
    personDialog: $("person-dialog"), personForm: $("person-form"), personReal: $("person-real"),
    personDisplay: $("person-display"), personCoord: $("person-coord"), personCancel: $("person-cancel"),
  };

  const state = {
    userId: "",
    snap: null,
    version: -1,
    view: { kind: "app", id: "", tab: "messages" }, // what the main pane shows
    generation: 0,
    abort: null,
    modalKey: "",
    homeKey: "",
    messagesKey: "",
    modalInputs: [], // getters of the open modal's inputs
    homeInputs: [],
    busy: false,
  };

  // ---- small helpers ----

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function notice(msg) {
    ui.notice.textContent = msg || "";
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
      err.data = data;
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

  function isLink(u) { return typeof u === "string" && /^(https?:\/\/|mailto:)/i.test(u); }

  function personName(id) {
    if (state.snap && id === state.snap.bot.id) return state.snap.bot.name;
    const p = state.snap && state.snap.people.find((x) => x.id === id);
    return p ? (p.displayName || p.realName) : id;
  }

  function channelById(id) {
    return state.snap && state.snap.channels.find((c) => c.id === id);
  }

  function dmId() { return "D" + state.userId; }

  // ---- mrkdwn ----

  function decode(s) {
    return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }

  // link draws Slack's <...> markup: links, mentions, channels, commands.
  function link(inner) {
    const [target, label] = inner.split("|", 2);
    if (target.startsWith("@")) return el("span", "mention", "@" + personName(target.slice(1)));
    if (target.startsWith("#")) {
      const c = channelById(target.slice(1));
      return el("span", "mention", "#" + (label || (c && c.name) || target.slice(1)));
    }
    if (target.startsWith("!")) {
      if (label) return el("span", "", decode(label));
      return el("span", "mention", "@" + target.slice(1).split("^")[0]);
    }
    const url = decode(target);
    if (!isLink(url)) return el("span", "", decode(label || target));
    const a = el("a", "", decode(label || target));
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  const INLINE = [
    { re: /<([^<>\n]+)>/, make: (m) => link(m[1]) },
    { re: /`([^`\n]+)`/, make: (m) => el("code", "", decode(m[1])) },
    { re: /\*([^*\n]+)\*/, tag: "strong" },
    { re: /(?:^|(?<=[^\w]))_([^_\n]+)_(?=$|[^\w])/u, tag: "em" },
    { re: /~([^~\n]+)~/, tag: "s" },
  ];

  // inline appends text with inline markup to parent.
  function inline(text, parent) {
    while (text) {
      let best = null;
      for (const rule of INLINE) {
        const m = rule.re.exec(text);
        if (m && (!best || m.index < best.m.index)) best = { m, rule };
      }
      if (!best) { parent.append(decode(text)); return; }
      if (best.m.index > 0) parent.append(decode(text.slice(0, best.m.index)));
      if (best.rule.make) {
        parent.append(best.rule.make(best.m));
      } else {
        const node = el(best.rule.tag);
        inline(best.m[1], node);
        parent.append(node);
      }
      text = text.slice(best.m.index + best.m[0].length);
    }
  }

  // mrkdwn draws Slack's mrkdwn: code blocks, quotes, inline markup.
  function mrkdwn(text, cls) {
    const root = el("div", "mrkdwn" + (cls ? " " + cls : ""));
    const parts = String(text || "").split("```");
    parts.forEach((part, i) => {
      if (i % 2 === 1) { root.append(el("pre", "", decode(part.replace(/^\n/, "")))); return; }
      const lines = part.split("\n");
      lines.forEach((line, j) => {
        const quote = /^(&gt;|>)\s?/.exec(line);
        if (quote) {
          const q = el("span", "quote");
          inline(line.slice(quote[0].length), q);
          root.append(q);
        } else {
          inline(line, root);
          if (j < lines.length - 1) root.append(el("br"));
        }
      });
    });
    return root;
  }

  // text draws a text object.
  function text(obj, cls) {
    if (!obj) return el("span");
    if (obj.type === "mrkdwn") return mrkdwn(obj.text, cls);
    return el("div", "plain" + (cls ? " " + cls : ""), obj.text);
  }

  function plain(obj) { return (obj && obj.text) || ""; }

  // ---- Block Kit ----

  // A surface is where blocks are drawn: {kind: "message", channel, ts} or
  // {kind: "view", view, inputs, entered}.

  function blocks(list, surface) {
    const box = el("div", "blocks");
    for (const b of list || []) {
      try { box.append(block(b, surface)); } catch (e) { box.append(el("div", "unknown", "［表示できないブロック: " + e.message + "］")); }
    }
    return box;
  }

  function block(b, surface) {
    switch (b.type) {
      case "section": {
        const s = el("div", "bk-section");
        const main = el("div", "bk-section-main");
        if (b.text) main.append(text(b.text));
        if (b.fields && b.fields.length) {
          const f = el("div", "bk-fields");
          for (const field of b.fields) f.append(text(field));
          main.append(f);
        }
        s.append(main);
        if (b.accessory) {
          const acc = el("div", "bk-accessory");
          acc.append(element(b.accessory, b, surface, false));
          s.append(acc);
        }
        return s;
      }
      case "header":
        return el("h3", "bk-header", plain(b.text));
      case "divider":
        return el("hr", "bk-divider");
      case "context": {
        const c = el("div", "bk-context");
        for (const e of b.elements || []) {
          if (e.type === "image") c.append(image(e.image_url, e.alt_text, "bk-context-img"));
          else c.append(text(e));
        }
        return c;
      }
      case "actions": {
        const a = el("div", "bk-actions");
        for (const e of b.elements || []) a.append(element(e, b, surface, false));
        return a;
      }
      case "image": {
        const fig = el("figure", "bk-image");
        if (b.title) fig.append(el("figcaption", "", plain(b.title)));
        fig.append(image(b.image_url, b.alt_text, ""));
        return fig;
      }
      case "input":
        return input(b, surface);
      case "rich_text":
        return el("div", "plain", richText(b));
      case "markdown":
        return mrkdwn(b.text);
      default:
        return el("div", "unknown", "［" + b.type + " ブロック］");
    }
  }

  function richText(b) {
    const out = [];
    const walk = (n) => {
      if (!n) return;
      if (typeof n.text === "string") out.push(n.text);
      else if (n.type === "user") out.push("@" + personName(n.user_id));
      else if (n.type === "link") out.push(n.text || n.url);
      for (const c of n.elements || []) walk(c);
    };
    walk(b);
    return out.join("");
  }

  function image(url, alt, cls) {
    if (!isLink(url)) return el("span", "unknown", "［画像: " + (alt || "") + "］");
    const img = el("img", cls);
    img.src = url;
    img.alt = alt || "";
    img.referrerPolicy = "no-referrer";
    return img;
  }

  function input(b, surface) {
    const box = el("div", "bk-input");
    const label = el("label", "bk-label", plain(b.label));
    if (b.optional) label.append(el("span", "optional", "（任意）"));
    box.append(label);
    box.append(element(b.element || {}, b, surface, true));
    if (b.hint) box.append(el("div", "bk-hint", plain(b.hint)));
    const errors = surface.view && surface.view.errors;
    if (errors && errors[b.block_id]) {
      box.classList.add("has-error");
      box.append(el("div", "bk-error", errors[b.block_id]));
    }
    return box;
  }

  // initialValues is what an element shows first: what was entered before
  // in this view, else the element's initial value.
  function initialValues(e, b, surface) {
    const entered = surface.entered && surface.entered[b.block_id] && surface.entered[b.block_id][e.action_id];
    if (entered) return entered;
    const opt = (o) => (o ? [o.value] : []);
    switch (e.type) {
      case "static_select": case "radio_buttons": case "external_select": return opt(e.initial_option);
      case "multi_static_select": case "checkboxes": return (e.initial_options || []).map((o) => o.value);
      case "datepicker": return e.initial_date ? [e.initial_date] : [];
      case "timepicker": return e.initial_time ? [e.initial_time] : [];
      case "datetimepicker": return e.initial_date_time ? [String(e.initial_date_time)] : [];
      case "users_select": return e.initial_user ? [e.initial_user] : [];
      case "multi_users_select": return e.initial_users || [];
      case "conversations_select": return e.initial_conversation ? [e.initial_conversation] : [];
      case "multi_conversations_select": return e.initial_conversations || [];
      case "channels_select": return e.initial_channel ? [e.initial_channel] : [];
      case "multi_channels_select": return e.initial_channels || [];
      default: return e.initial_value !== undefined && e.initial_value !== null ? [String(e.initial_value)] : [];
    }
  }

  function allOptions(e) {
    const out = [...(e.options || [])];
    for (const g of e.option_groups || []) out.push(...(g.options || []));
    return out;
  }

  function fillSelect(sel, e, chosen, placeholder) {
    if (!sel.multiple) {
      const p = el("option", "", placeholder || "選んでください");
      p.value = "";
      p.disabled = true;
      p.selected = !chosen.length;
      sel.append(p);
    }
    const add = (parent, o) => {
      const opt = el("option", "", plain(o.text));
      opt.value = o.value;
      opt.selected = chosen.includes(o.value);
      parent.append(opt);
    };
    for (const o of e.options || []) add(sel, o);
    for (const g of e.option_groups || []) {
      const og = el("optgroup");
      og.label = plain(g.label);
      for (const o of g.options || []) add(og, o);
      sel.append(og);
    }
  }

  // pseudoOptions lists people or conversations for the *_select elements.
  function pseudoOptions(type) {
    if (type.includes("users")) return state.snap.people.map((p) => ({ value: p.id, text: { text: p.displayName || p.realName } }));
    return state.snap.channels.map((c) => ({ value: c.id, text: { text: c.kind === "im" ? "tsunagu との DM" : "#" + c.name } }));
  }

  // element draws one element of block b. inInput is set for the element
  // of an input block: it only keeps its value, unless the block has
  // dispatch_action, where Slack sends block_actions as it changes.
  function element(e, b, surface, inInput) {
    const chosen = initialValues(e, b, surface);
    const dispatch = !inInput || b.dispatch_action;
    const send = (values) => act(surface, b.block_id, e, values);
    const register = (get) => { if (surface.inputs) surface.inputs.push({ blockId: b.block_id, actionId: e.action_id, get }); };
    let node;
    switch (e.type) {
      case "button": {
        node = el("button", "bk-btn" + (e.style ? " " + e.style : ""), plain(e.text));
        node.type = "button";
        node.addEventListener("click", async () => {
          if (e.confirm && !(await confirmDialog(e.confirm))) return;
          if (isLink(e.url)) window.open(e.url, "_blank", "noopener");
          send([]);
        });
        return node;
      }
      case "overflow": {
        node = el("select", "bk-overflow");
        node.setAttribute("aria-label", "その他の操作");
        const head = el("option", "", "⋯");
        head.value = "";
        node.append(head);
        for (const o of e.options || []) { const opt = el("option", "", plain(o.text)); opt.value = o.value; node.append(opt); }
        node.addEventListener("change", async () => {
          const v = node.value;
          node.value = "";
          if (!v) return;
          if (e.confirm && !(await confirmDialog(e.confirm))) return;
          send([v]);
        });
        return node;
      }
      case "static_select": case "external_select": case "users_select": case "conversations_select": case "channels_select":
      case "multi_static_select": case "multi_users_select": case "multi_conversations_select": case "multi_channels_select": {
        const multi = e.type.startsWith("multi_");
        node = el("select", "bk-select");
        node.multiple = multi;
        const src = /static|external/.test(e.type) ? e : { options: pseudoOptions(e.type) };
        fillSelect(node, src, chosen, plain(e.placeholder));
        if (multi) node.size = Math.min(6, Math.max(3, allOptions(src).length));
        const get = () => Array.from(node.selectedOptions).map((o) => o.value).filter((v) => v !== "");
        register(get);
        if (dispatch) {
          node.addEventListener("change", async () => {
            if (e.confirm && !(await confirmDialog(e.confirm))) return;
            send(get());
          });
        }
        if (multi) {
          const box = el("div", "bk-multi");
          box.append(node, el("div", "bk-hint", "Ctrl（⌘）を押しながら複数選べます" + (e.max_selected_items ? "（" + e.max_selected_items + " 個まで）" : "")));
          return box;
        }
        return node;
      }
      case "checkboxes": case "radio_buttons": {
        const radio = e.type === "radio_buttons";
        node = el("div", "bk-choices");
        const name = "r" + Math.random().toString(36).slice(2);
        const boxes = [];
        for (const o of e.options || []) {
          const row = el("label", "bk-choice");
          const inp = el("input");
          inp.type = radio ? "radio" : "checkbox";
          inp.name = name;
          inp.value = o.value;
          inp.checked = chosen.includes(o.value);
          boxes.push(inp);
          const body = el("span");
          body.append(text(o.text));
          if (o.description) body.append(el("span", "bk-desc", plain(o.description)));
          row.append(inp, body);
          node.append(row);
        }
        const get = () => boxes.filter((x) => x.checked).map((x) => x.value);
        register(get);
        if (dispatch) node.addEventListener("change", () => send(get()));
        return node;
      }
      case "datepicker": case "timepicker": case "datetimepicker": {
        node = el("input", "bk-text");
        node.type = e.type === "datepicker" ? "date" : e.type === "timepicker" ? "time" : "datetime-local";
        if (chosen[0]) {
          node.value = e.type === "datetimepicker" ? localDateTime(Number(chosen[0])) : chosen[0];
        }
        const get = () => {
          if (!node.value) return [];
          if (e.type === "datetimepicker") return [String(Math.floor(new Date(node.value).getTime() / 1000))];
          return [node.value];
        };
        register(get);
        if (dispatch) node.addEventListener("change", () => { if (node.value) send(get()); });
        return node;
      }
      case "plain_text_input": case "number_input": case "url_text_input": case "email_text_input": case "rich_text_input": {
        node = e.multiline || e.type === "rich_text_input" ? el("textarea", "bk-text") : el("input", "bk-text");
        if (node.tagName === "TEXTAREA") node.rows = 4;
        else node.type = { url_text_input: "url", email_text_input: "email" }[e.type] || "text";
        if (e.type === "number_input") node.inputMode = e.is_decimal_allowed ? "decimal" : "numeric";
        if (e.placeholder) node.placeholder = plain(e.placeholder);
        node.value = chosen[0] || "";
        const get = () => [node.value];
        register(get);
        if (e.max_length) {
          const wrap = el("div", "bk-counted");
          const count = el("div", "bk-count");
          const update = () => {
            count.textContent = [...node.value].length + " / " + e.max_length;
            count.classList.toggle("over", [...node.value].length > e.max_length);
          };
          node.addEventListener("input", update);
          update();
          wrap.append(node, count);
          if (dispatch) addDispatch(node, e, send, get);
          return wrap;
        }
        if (dispatch) addDispatch(node, e, send, get);
        return node;
      }
      case "image":
        return image(e.image_url, e.alt_text, "bk-accessory-img");
      default:
        return el("span", "unknown", "［" + e.type + "］");
    }
  }

  // addDispatch sends a dispatching text input on Enter, as Slack does by
  // default.
  function addDispatch(node, e, send, get) {
    node.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        send(get());
      }
    });
  }

  function localDateTime(secs) {
    const d = new Date(secs * 1000);
    const p = (n) => String(n).padStart(2, "0");
    return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + "T" + p(d.getHours()) + ":" + p(d.getMinutes());
  }

  function confirmDialog(c) {
    return new Promise((resolve) => {
      ui.confirmTitle.textContent = plain(c.title) || "よろしいですか？";
      ui.confirmText.replaceChildren(text(c.text));
      ui.confirmOk.textContent = plain(c.confirm) || "はい";
      ui.confirmOk.className = c.style === "danger" ? "danger" : "primary";
      ui.confirmDeny.textContent = plain(c.deny) || "キャンセル";
      const done = (v) => {
        ui.confirmOk.onclick = ui.confirmDeny.onclick = ui.confirm.oncancel = null;
        if (ui.confirm.open) ui.confirm.close();
        resolve(v);
      };
      ui.confirmOk.onclick = () => done(true);
      ui.confirmDeny.onclick = () => done(false);
      ui.confirm.oncancel = () => done(false);
      ui.confirm.showModal();
    });
  }

  // collect reads the inputs of a view into {block_id: {action_id: [values]}}.
  function collect(inputs) {
    const out = {};
    for (const i of inputs) {
      out[i.blockId] = out[i.blockId] || {};
      out[i.blockId][i.actionId] = i.get();
    }
    return out;
  }

  // ---- actions ----

  async function run(what, fn) {
    if (state.busy) return;
    state.busy = true;
    document.body.classList.add("busy");
    try {
      await fn();
      notice("");
    } catch (err) {
      if (err.status === 422) notice("入力内容を確認してください。");
      else notice(what + "できませんでした: " + err.message);
    } finally {
      state.busy = false;
      document.body.classList.remove("busy");
    }
  }

  function act(surface, blockId, e, values) {
    const action = { blockId, actionId: e.action_id, selected: values };
    let entered;
    if (surface.kind === "view") {
      action.viewId = surface.view.id;
      entered = collect(surface.inputs);
    } else {
      action.channel = surface.channel;
      action.ts = surface.ts;
    }
    run("操作", () => api("POST", "ui/action", { user: state.userId, action, entered }));
  }

  // ---- people ----

  function drawPeople() {
    ui.person.replaceChildren();
    for (const p of state.snap ? state.snap.people : []) {
      const o = el("option", "", (p.displayName || p.realName) + (p.coordinator ? "（コーディネーター）" : ""));
      o.value = p.id;
      o.selected = p.id === state.userId;
      ui.person.append(o);
    }
  }

  async function loadPeople() {
    const data = await api("GET", "ui/people");
    return data.people || [];
  }

  function selectPerson(id) {
    state.userId = id;
    state.snap = null;
    state.version = -1;
    state.modalKey = state.homeKey = state.messagesKey = "";
    try { localStorage.setItem("slacksim.user", id); } catch (_) { /* private mode */ }
    const url = new URL(location.href);
    url.searchParams.set("user", id);
    history.replaceState(null, "", url);
    ui.openTab.href = "?user=" + encodeURIComponent(id);
    ui.openTab.hidden = false;
    restartPolling();
  }

  // ---- polling ----

  function restartPolling() {
    if (state.abort) state.abort.abort();
    state.abort = new AbortController();
    state.generation++;
    poll(state.generation);
  }

  async function poll(gen) {
    while (gen === state.generation) {
      try {
        const q = new URLSearchParams({ user: state.userId, after: String(state.version), wait: "25" });
        const snap = await api("GET", "ui/state?" + q.toString());
        if (gen !== state.generation) return;
        if (ui.notice.textContent.startsWith("シミュレーターにつながりません")) notice("");
        state.snap = snap;
        state.version = snap.version;
        draw();
      } catch (err) {
        if (gen !== state.generation || (err && err.name === "AbortError")) return;
        notice("シミュレーターにつながりません。再接続しています…");
        await sleep(1000);
      }
    }
  }

  // ---- drawing ----

  function draw() {
    drawPeople();
    drawNav();
    drawMain();
    drawModal();
  }

  function drawNav() {
    ui.channels.replaceChildren();
    for (const c of state.snap.channels) {
      if (c.kind === "im") continue;
      const li = el("li");
      const b = el("button", "nav-item" + (state.view.kind === "channel" && state.view.id === c.id ? " active" : ""), "# " + c.name);
      b.type = "button";
      b.addEventListener("click", () => show({ kind: "channel", id: c.id }));
      li.append(b);
      ui.channels.append(li);
    }
    ui.appItem.classList.toggle("active", state.view.kind === "app");
  }

  function show(view) {
    const enteringApp = view.kind === "app" && (state.view.kind !== "app" || state.view.tab !== view.tab);
    state.view = view;
    state.messagesKey = state.homeKey = "";
    notice("");
    draw();
    if (enteringApp) {
      run("ホームを開く", () => api("POST", "ui/app", { user: state.userId, tab: view.tab }));
    }
    if (view.kind !== "app" || view.tab === "messages") ui.text.focus();
  }

  function currentChannel() {
    return state.view.kind === "app" ? dmId() : state.view.id;
  }

  function drawMain() {
    const app = state.view.kind === "app";
    const onHome = app && state.view.tab === "home";
    ui.tabs.hidden = !app;
    for (const t of ui.tabs.querySelectorAll("button")) t.classList.toggle("active", t.dataset.tab === state.view.tab);
    const c = channelById(currentChannel());
    if (app) {
      ui.title.textContent = "tsunagu";
      ui.sub.textContent = "App — " + personName(state.userId) + " さんとして使っています";
    } else {
      ui.title.textContent = "# " + (c ? c.name : state.view.id);
      ui.sub.textContent = c ? (c.purpose || "") + "（メンバー " + c.members.length + " 人）" : "";
    }
    ui.home.hidden = !onHome;
    ui.messages.hidden = onHome;
    ui.composer.hidden = onHome;
    ui.text.placeholder = app ? "tsunagu へのメッセージ" : "#" + (c ? c.name : "") + " へのメッセージ";
    if (onHome) drawHome(); else drawMessages(c);
  }

  function drawHome() {
    const home = state.snap.home;
    const key = home ? home.id + home.hash : "none";
    if (key === state.homeKey) return;
    state.homeKey = key;
    if (!home) {
      ui.home.replaceChildren(el("p", "empty", "tsunagu はまだホームタブを公開していません。"));
      return;
    }
    state.homeInputs = [];
    ui.home.replaceChildren(blocks(home.blocks, { kind: "view", view: home, inputs: state.homeInputs, entered: home.entered }));
  }

  function drawMessages(c) {
    const msgs = c ? c.messages : [];
    const key = currentChannel() + ":" + msgs.map((m) => m.ts + (m.edited ? "e" : "")).join(",");
    if (key === state.messagesKey) return;
    state.messagesKey = key;
    const nearBottom = ui.messages.scrollHeight - ui.messages.scrollTop - ui.messages.clientHeight < 150;
    ui.messages.replaceChildren();
    if (!msgs.length) {
      ui.messages.append(el("p", "empty", state.view.kind === "app"
        ? "tsunagu とのメッセージです。何か送るか、/tsunagu join と入力してみてください。"
        : "まだメッセージはありません。"));
    }
    for (const m of msgs) ui.messages.append(drawMessage(m));
    if (nearBottom || msgs.length < 4) ui.messages.scrollTop = ui.messages.scrollHeight;
  }

  function drawMessage(m) {
    if (m.note) {
      const n = el("div", "msg note");
      n.append(el("span", "note-icon", "!"), el("span", "", m.text));
      return n;
    }
    const bot = m.user === state.snap.bot.id;
    const row = el("div", "msg" + (m.ephemeral ? " ephemeral" : ""));
    const avatar = el("span", "avatar" + (bot ? " bot" : ""), bot ? "つ" : personName(m.user).slice(0, 1));
    avatar.setAttribute("aria-hidden", "true");
    const body = el("div", "msg-body");
    const head = el("div", "msg-head");
    head.append(el("strong", "", personName(m.user)));
    if (bot) head.append(el("span", "badge", "APP"));
    head.append(el("time", "", clock(m.at)));
    if (m.edited) head.append(el("span", "edited", "（編集済み）"));
    body.append(head);
    if (m.ephemeral) body.append(el("div", "only-you", "👁 あなただけに表示されています"));
    if (m.command && m.ephemeral) body.append(el("div", "command", m.command));
    if (m.blocks && m.blocks.length) body.append(blocks(m.blocks, { kind: "message", channel: m.channel, ts: m.ts }));
    else body.append(mrkdwn(m.text));
    row.append(avatar, body);
    return row;
  }

  function drawModal() {
    const v = state.snap.modal;
    if (!v) {
      ui.modalLayer.hidden = true;
      state.modalKey = "";
      state.modalInputs = [];
      return;
    }
    const key = [v.id, v.hash, JSON.stringify(v.errors || {}), v.failure || "", state.snap.modalDepth].join("|");
    if (key === state.modalKey) return;
    // Keep what the person typed when the same view is drawn again.
    const typed = state.modalKey.startsWith(v.id + "|") ? collect(state.modalInputs) : null;
    state.modalKey = key;
    state.modalInputs = [];
    ui.modalTitle.textContent = plain(v.title);
    ui.modalDepth.textContent = state.snap.modalDepth > 1 ? "‹ " + state.snap.modalDepth + " 枚目" : "";
    ui.modalBody.replaceChildren(blocks(v.blocks, { kind: "view", view: v, inputs: state.modalInputs, entered: typed || v.entered }));
    ui.modalFailure.textContent = v.failure || "";
    ui.modalFailure.hidden = !v.failure;
    ui.modalClose.textContent = plain(v.close) || (state.snap.modalDepth > 1 ? "戻る" : "キャンセル");
    ui.modalSubmit.textContent = plain(v.submit);
    ui.modalSubmit.hidden = !v.submit;
    ui.modalLayer.hidden = false;
  }

  function closeModal() {
    const v = state.snap && state.snap.modal;
    if (!v) return;
    run("閉じる", () => api("POST", "ui/close", { user: state.userId, viewId: v.id, entered: collect(state.modalInputs) }));
  }

  // ---- wiring ----

  ui.person.addEventListener("change", () => selectPerson(ui.person.value));
  ui.appItem.addEventListener("click", () => show({ kind: "app", id: "", tab: state.view.kind === "app" ? state.view.tab : "messages" }));
  for (const t of ui.tabs.querySelectorAll("button")) {
    t.addEventListener("click", () => show({ kind: "app", id: "", tab: t.dataset.tab }));
  }

  ui.composer.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const value = ui.text.value.trim();
    if (!value || !state.userId) return;
    ui.text.value = "";
    run("送信", () => api("POST", "ui/send", { user: state.userId, channel: currentChannel(), text: value }));
  });
  ui.text.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      ui.composer.requestSubmit();
    }
  });

  ui.modalSubmit.addEventListener("click", () => {
    const v = state.snap && state.snap.modal;
    if (!v) return;
    run("送信", () => api("POST", "ui/submit", { user: state.userId, viewId: v.id, entered: collect(state.modalInputs) }));
  });
  ui.modalClose.addEventListener("click", closeModal);
  ui.modalX.addEventListener("click", closeModal);
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && !ui.modalLayer.hidden && !ui.confirm.open) closeModal();
  });

  ui.addPerson.addEventListener("click", () => {
    ui.personForm.reset();
    ui.personDialog.showModal();
  });
  ui.personCancel.addEventListener("click", () => ui.personDialog.close());
  ui.personForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const body = { realName: ui.personReal.value.trim(), displayName: ui.personDisplay.value.trim(), coordinator: ui.personCoord.checked };
    if (!body.realName) return;
    ui.personDialog.close();
    run("追加", async () => {
      const p = await api("POST", "ui/people", body);
      selectPerson(p.id);
    });
  });

  // ---- start ----

  (async function start() {
    let people = [];
    try { people = await loadPeople(); } catch (err) { notice("シミュレーターにつながりません: " + err.message); return; }
    const wanted = new URL(location.href).searchParams.get("user");
    let stored = "";
    try { stored = localStorage.getItem("slacksim.user") || ""; } catch (_) { /* private mode */ }
    const pick = [wanted, stored].find((id) => id && people.some((p) => p.id === id)) || (people[0] && people[0].id);
    if (pick) selectPerson(pick);
  })();
})();
