"""The page's own CSS and scripts: crisis banner colours, sources panel, scrolling into view."""

CSS = """
.crisis-banner { border: 3px solid #b91c1c; background: #fef2f2; color: #7f1d1d;
  border-radius: 8px; padding: 0.4em 0.9em; margin-bottom: 0.6em; font-size: 1.05em; }
/* the banner sets its own colours in every theme: the theme's prose colour (near-white in dark
   mode) must never land on the banner's background */
.crisis-banner * { color: inherit !important; background: transparent !important; }
.crisis-banner a { font-weight: 700; text-decoration: underline; }
.dark .crisis-banner { background: #450a0a; color: #fef2f2; border-color: #f87171; }
/* no thumbs under a crisis message: rating it is not what the visitor came for */
#chat .bot-row:has(.crisis-banner) + .message-buttons button[aria-label='Like'],
#chat .bot-row:has(.crisis-banner) + .message-buttons button[aria-label='Dislike'] {
  display: none; }
details.sources { border-top: 1px solid var(--border-color-primary); margin-top: 0.6em;
  padding-top: 0.4em; }
details.sources summary { cursor: pointer; font-weight: 600; }
mark { background: #fde68a; color: inherit; padding: 0 1px; }
.article-view { max-height: 60vh; overflow-y: auto; line-height: 1.5; }
.disclaimer { font-size: 0.9em; opacity: 0.85; }
@media (max-width: 480px) { .gradio-container { padding: 4px !important; } }
"""
# After Gradio's own autoscroll to the bottom: an acute crisis banner must be in view first.
SHOW_CRISIS_BANNER = """() => { const show = () => {
  const rows = document.querySelectorAll('#chat .bot-row');
  const banner = rows.length && rows[rows.length - 1].querySelector('.crisis-banner');
  if (banner) banner.scrollIntoView({block: 'start'}); };
  for (const ms of [300, 900]) setTimeout(show, ms); }"""
SCROLL_TO_PASSAGE = """() => { setTimeout(() => {
  const m = document.querySelector('#article-view mark#passage');
  if (m) m.scrollIntoView({block: 'center'}); }, 150); }"""
