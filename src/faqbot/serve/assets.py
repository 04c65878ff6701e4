"""The page's own CSS and scripts: crisis banner colours, sources panel, scrolling into view."""

CSS = """
.crisis-banner { border: 3px solid #b91c1c; background: #fef2f2; color: #7f1d1d;
  border-radius: 8px; padding: 0.4em 0.9em; margin-bottom: 0.6em; font-size: 1.05em; }
/* the banner sets its own colours in every theme: the theme's prose colour (near-white in dark
   mode) must never land on the banner's background */
.crisis-banner * { color: inherit !important; background: transparent !important; }
.crisis-banner a { font-weight: 700; text-decoration: underline; }
.dark .crisis-banner { background: #450a0a; color: #fef2f2; border-color: #f87171; }
/* crisis text in the visitor's language, then the English line: a paragraph's gap between them
   (each part is its own block, whose last and first paragraphs lose their margins) */
#chat div[lang] + div[lang] { margin-top: 0.8em; }
/* no thumbs under a crisis message: rating it is not what the visitor came for */
#chat .bot-row:has(.crisis-banner) + .message-buttons button[aria-label='Like'],
#chat .bot-row:has(.crisis-banner) + .message-buttons button[aria-label='Dislike'] {
  display: none; }
details.sources { border-top: 1px solid var(--border-color-primary); margin-top: 0.6em;
  padding-top: 0.4em; }
details.sources summary, details.after-crisis > summary { cursor: pointer; font-weight: 600; }
details.after-crisis { margin-top: 0.6em; }
/* the visitor's own message (render/chat.py user_markdown): as typed, line breaks kept; no
   buttons under it (its one, copy, would copy the raw content: the HTML around the text) */
.visitor-text { white-space: pre-wrap; overflow-wrap: anywhere; }
#chat .message-buttons-right { display: none; }
/* dark text on the yellow in every theme: dark mode's near-white text on it was 1.1:1 */
mark { background: #fde68a; color: #1c1917; padding: 0 1px; }
.article-view { max-height: 60vh; overflow-y: auto; line-height: 1.5; }
.disclaimer { font-size: 0.9em; opacity: 0.85; }
/* Gradio's semibold Source Sans Pro file holds 55 glyphs (Cyrillic, "A", "B"), so bold text,
   the answering sentences, fell back to another font, wider and larger (DejaVu Sans Bold on
   Linux); its bold file, full Latin, takes the place (last declared wins; 700 picks it too) */
@font-face { font-family: "Source Sans Pro"; font-weight: 600; font-style: normal;
  src: url("static/fonts/SourceSansPro/SourceSansPro-Bold.woff2") format("woff2"); }
/* citation marks link to their reply's Sources entry (FOLLOW_CITATIONS); Gradio shows the
   chat's text at 0.8 opacity, which leaves blue-800 on the answer's grey 5.1:1 and blue-300
   on its dark grey 6.7:1 */
#chat a.cite { color: #1e40af; text-decoration: underline; text-underline-offset: 2px;
  white-space: nowrap; padding: 0.15em 0.2em; border-radius: 3px; }
.dark #chat a.cite { color: #93c5fd; }
#chat .source-entry { display: inline-block; vertical-align: top; scroll-margin: 8px; }
#chat a.cite:focus-visible, #chat .source-entry:focus { outline: 2px solid #1e40af;
  outline-offset: 1px; }
/* one selector per .dark rule: Gradio's scoping keeps ".dark" on the first one only */
.dark #chat a.cite:focus-visible { outline-color: #93c5fd; }
.dark #chat .source-entry:focus { outline-color: #93c5fd; }
.ask-title { font-size: 1.35em; font-weight: 600; margin: 0.1em 0 0.2em; }
.ask-intro { margin: 0; }
/* Gradio keeps 32 px each side of the page, 64 of a phone's 390; up to 480 px wide it is 8.
   A step made with clamp(), not @media: Gradio scopes the rules in an @media block to the
   inside of the page's content, so only a top-level rule reaches its .app */
.gradio-container > .main.app { padding-left: clamp(8px, (100vw - 480px) * 100, 32px);
  padding-right: clamp(8px, (100vw - 480px) * 100, 32px); }
@media (max-width: 480px) {
  .ask-title { font-size: 1.15em; }
  .ask-intro { font-size: 0.9em; }
  #ask-heading .html-container { padding: 4px 6px; }
  /* an answer takes the chat's width but for a small gutter (Gradio: 20 px each side, and
     60 px narrower than the chat); the question keeps its place, clear of the clear button */
  #chat .message-row.bot-row { margin-left: 6px; margin-right: 6px;
    max-width: calc(100% - 12px); }
  #chat .message-row .message { padding: 8px; }
  #chat .message blockquote { margin: 0.75em 0 !important; }
  /* the question box takes the row, the Ask button only what its word needs; 16 px text, as
     below it iOS zooms the page in when the box is tapped */
  #ask-row { gap: 8px; flex-wrap: nowrap; }
  #ask-row > .form { flex: 1 1 auto; min-width: 0; border: 0; background: none; }
  #ask-row #question { padding: 0; background: none; }
  #question textarea { font-size: 16px; }
  button#ask-button { flex: 0 0 auto; min-width: 0; padding: 0 18px; font-size: 16px; }
}
/* white on the theme's orange is 2.8:1 (3.55:1 hovered); orange-700/800 give 5.2:1 and 7.3:1 */
button#ask-button { background: #c2410c; border-color: #c2410c; color: #ffffff; }
button#ask-button:hover { background: #9a3412; border-color: #9a3412; }
/* Gradio's "Scroll down" arrow sits on the middle of the chat's last visible line, over the
   reply (the crisis banner too) on a phone and on a desktop alike; the chat scrolls by touch,
   wheel and keys without it, and SHOW_NEWEST_ANSWER brings each new answer into view */
#chat .scroll-down-button-container { display: none; }
/* the selected tab's orange text on white is 2.8:1 (flagged at phone width) */
button[role="tab"].selected { color: #c2410c; }
.dark button[role="tab"].selected { color: #fdba74; }
/* the footer's "Use via API" link: the theme's grey on white is below 4.5:1 */
footer .show-api { color: #4b5563 !important; }
.dark footer .show-api { color: #d1d5db !important; }
/* Gradio's separator after that link has no link after it (footer_links=["api"]): a stray "·",
   alone under the page on a phone, where Gradio hides the link up to 640 px; so is the
   footer's 16 px top margin there (a clamp() step: see the page's side margins above) */
footer .divider { display: none !important; }
.gradio-container footer { margin-top: clamp(0px, (100vw - 640px) * 100, 16px); }
"""
# Gradio 6.31 gives the chat's example questions role="list" with buttons in it (a list must hold
# list items: axe "aria-required-children", critical). A group of buttons is what they are.
# Code run once as the heading loads (gr.HTML's js_on_load: statements, not a function).
FIX_EXAMPLES_ROLE = """const fix = () => document.querySelectorAll('#chat .examples[role="list"]')
  .forEach(e => e.setAttribute('role', 'group'));
fix(); new MutationObserver(fix).observe(document.body, {childList: true, subtree: true});"""
# Gradio opens every link of a message in a new tab (its sanitizer sets target="_blank"); a
# tel: or sms: link hands the number to the phone's dialer or messages app, and from a new tab
# a phone leaves an empty tab behind. Those links stay in the page; web links keep the new tab.
PHONE_LINKS_IN_PAGE = """if (!window.faqbotPhoneLinks) { window.faqbotPhoneLinks = true;
const keep = () => document.querySelectorAll('a[target][href^="tel:" i], a[target][href^="sms:" i]')
  .forEach(a => a.removeAttribute('target'));
keep(); new MutationObserver(keep).observe(document.body,
  {childList: true, subtree: true, attributes: true, attributeFilter: ['target', 'href']}); }"""
# A citation mark [n] links to its own reply's Sources entry (render/markdown.py `cite`). The
# page follows it, not the browser: Gradio's <base href="./"> makes "#id" another address when
# the page's has a query (?__theme=dark) or lacks its final slash, and going there reloads the
# page and loses the chat. A focused link clicks on Enter, so the keyboard gets the same; the
# focus moves to the entry (tabindex -1), so a screen reader reads it next.
FOLLOW_CITATIONS = """if (!window.faqbotCitations) { window.faqbotCitations = true;
document.addEventListener('click', e => {
  const link = e.target.closest && e.target.closest('#chat a.cite');
  const entry = link && document.getElementById(link.getAttribute('href').slice(1));
  if (!entry) return;
  e.preventDefault();
  entry.scrollIntoView({block: 'nearest'});
  entry.focus({preventScroll: true}); }); }"""
# A reply's copy button copies what the reply shows, as text: Gradio's copies the message's
# source, Markdown with the HTML of the citation links and of every cited article around each
# quote. Read at the click (capture phase, before Gradio's handler) from the reply on screen:
# the crisis banner, the quotes (those folded under a banner too), the citation marks, the
# Sources list and the disclaimer; not the articles behind "Show each quote in its article".
# Both of Gradio's ways to copy are served: the Clipboard API (a secure page: https or
# localhost) and its textarea fallback (execCommand fires a copy event).
COPY_AS_SHOWN = """if (!window.faqbotCopy) { window.faqbotCopy = {text: null};
const shown = row => {
  const copy = row.cloneNode(true);
  copy.querySelectorAll('details.sources, button, .avatar-container').forEach(n => n.remove());
  copy.querySelectorAll('details').forEach(d => { d.open = true; });
  // list markers are not text: the Sources' numbers (matching the [n] marks) and bullets
  copy.querySelectorAll('ol').forEach(ol => [...ol.children].forEach((li, i) =>
    li.prepend(((ol.start || 1) + i) + '. ')));
  copy.querySelectorAll('ul > li').forEach(li => li.prepend('- '));
  const box = document.createElement('div');
  box.style.cssText = 'position:fixed;left:-10000px;top:0;width:' + row.clientWidth + 'px';
  box.appendChild(copy);
  document.body.appendChild(box);
  const text = copy.innerText.replace(/\\n{3,}/g, '\\n\\n').trim();
  box.remove();
  return text; };
document.addEventListener('click', e => {
  const button = e.target.closest && e.target.closest('#chat button[aria-label="Copy message"]');
  const bar = button && button.closest('.message-buttons');
  const row = bar && bar.previousElementSibling;
  window.faqbotCopy.text = row && row.classList.contains('bot-row') ? shown(row) : null; },
  true);
const take = () => { const t = window.faqbotCopy.text; window.faqbotCopy.text = null; return t; };
if (navigator.clipboard && navigator.clipboard.writeText) {
  const write = navigator.clipboard.writeText.bind(navigator.clipboard);
  navigator.clipboard.writeText = t => write(take() ?? t); }
document.addEventListener('copy', e => {
  const t = take();
  if (t !== null && e.clipboardData) { e.clipboardData.setData('text/plain', t);
    e.preventDefault(); } }); }"""
# After each reply (the chat's own autoscroll is off): the start of the newest answer at the
# top of the chat, so a phone shows the answer, not the sources and buttons under it; a crisis
# banner starts the answer, so it is what shows. Runs again as the page settles, unless the
# visitor has scrolled since.
SHOW_NEWEST_ANSWER = """() => { let set = null; const show = () => {
  const rows = document.querySelectorAll('#chat .bot-row');
  const row = rows[rows.length - 1];
  if (!row) return;
  let box = row.parentElement;
  while (box && !(box.scrollHeight > box.clientHeight + 1
                  && /auto|scroll/.test(getComputedStyle(box).overflowY))) box = box.parentElement;
  if (!box || (set !== null && Math.abs(box.scrollTop - set) > 2)) return;
  // the visitor's question too, when it is short enough to leave most of the view to the answer
  const users = document.querySelectorAll('#chat .user-row');
  const user = users[users.length - 1];
  const gap = user ? row.getBoundingClientRect().top - user.getBoundingClientRect().top : 0;
  const crisis = row.querySelector('.crisis-banner');
  const target = !crisis && gap > 0 && gap < box.clientHeight / 4 ? user : row;
  const top = target.getBoundingClientRect().top - box.getBoundingClientRect().top;
  box.scrollTop += top - 8;
  set = box.scrollTop; };
  for (const ms of [0, 150, 400, 900]) setTimeout(show, ms); }"""
SCROLL_TO_PASSAGE = """() => { setTimeout(() => {
  const m = document.querySelector('#article-view mark#passage');
  if (m) m.scrollIntoView({block: 'center'}); }, 150); }"""
