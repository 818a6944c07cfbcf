/** The one stylesheet: system fonts, no framework, readable from a phone to a laptop. */
export const STYLE = `
:root { --fg:#1d2330; --muted:#5b6474; --bg:#f6f7f9; --card:#fff; --line:#d9dde4; --accent:#1f5fbf;
  --danger:#b42318; --ok:#067647; --warn:#9a6700; --focus:#ffbf47; color-scheme: light; }
* { box-sizing: border-box; }
[hidden] { display:none !important; }
body { margin:0; font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--fg); background:var(--bg); }
a { color:var(--accent); }
:focus-visible { outline:3px solid var(--focus); outline-offset:2px; }
.skip { position:absolute; left:-999px; } .skip:focus { left:8px; top:8px; background:#fff; padding:4px 8px; z-index:2; }
.top { display:flex; flex-wrap:wrap; gap:8px 16px; align-items:center; justify-content:space-between;
  padding:10px 16px; background:#15233b; color:#fff; }
.top a, .top .link { color:#fff; }
.brand { font-weight:700; text-decoration:none; font-size:1.1rem; }
.account { display:flex; flex-wrap:wrap; gap:12px; align-items:center; }
.who { opacity:.8; font-size:.9rem; }
.tabs { display:flex; flex-wrap:wrap; gap:4px 16px; align-items:center; padding:8px 16px; background:#fff; border-bottom:1px solid var(--line); }
.tabs a { padding:4px 2px; text-decoration:none; }
.tabs a[aria-current=page] { font-weight:700; border-bottom:3px solid var(--accent); }
.vault-name { font-weight:600; margin-right:8px; }
main { max-width:1100px; margin:0 auto; padding:16px; }
main:focus { outline:none; }
h1 { font-size:1.5rem; margin:.5rem 0 1rem; } h2 { font-size:1.2rem; margin:1.5rem 0 .5rem; }
.card > h2:first-of-type { margin-top:0; }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:16px; margin-bottom:16px; }
.narrow { max-width:440px; margin:40px auto; }
.field { margin-bottom:14px; }
label { display:block; font-weight:600; margin-bottom:4px; }
.hint { margin:0 0 4px; color:var(--muted); font-size:.9rem; }
.error { margin:0 0 4px; color:var(--danger); font-weight:600; }
.has-error input, .has-error textarea, .has-error select { border-color:var(--danger); }
input[type=text], input[type=password], input[type=email], input[type=number], input:not([type]), select, textarea {
  width:100%; max-width:100%; padding:8px; font:inherit; border:1px solid #9aa3b2; border-radius:6px; background:#fff; }
textarea { min-height:7rem; font-family:ui-monospace,SFMono-Regular,Menlo,monospace; font-size:.9rem; }
textarea[readonly], input[readonly] { background:#eef0f3; }
.check { display:flex; gap:10px; align-items:flex-start; margin-bottom:12px; }
.check input { margin-top:5px; width:18px; height:18px; flex:none; }
.check label { margin:0; }
.check .hint { margin:0; }
button, .button { display:inline-block; padding:8px 14px; font:inherit; border-radius:6px; border:1px solid var(--accent);
  background:var(--accent); color:#fff; cursor:pointer; text-decoration:none; }
button.secondary, .button.secondary { background:#fff; color:var(--accent); }
button.danger { background:var(--danger); border-color:var(--danger); color:#fff; }
button.link { background:none; border:0; padding:0; text-decoration:underline; }
.actions { display:flex; flex-wrap:wrap; gap:8px; align-items:center; margin-top:16px; }
form.inline { display:inline; margin:0; }
table { width:100%; border-collapse:collapse; background:#fff; }
th, td { text-align:left; padding:8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-size:.85rem; color:var(--muted); text-transform:uppercase; letter-spacing:.02em; }
.table-wrap { overflow-x:auto; border:1px solid var(--line); border-radius:8px; margin-bottom:16px; }
.badge { display:inline-block; padding:1px 8px; border-radius:999px; font-size:.8rem; font-weight:600; border:1px solid; }
.badge-structured { color:#344054; border-color:#98a2b3; background:#f2f4f7; }
.badge-leased { color:#026aa2; border-color:#7cd4fd; background:#f0f9ff; }
.badge-enabled, .badge-active { color:var(--ok); border-color:#75e0a7; background:#ecfdf3; }
.badge-pending, .badge-minting, .badge-revoking { color:var(--warn); border-color:#fedf89; background:#fffaeb; }
.badge-disabled, .badge-revoked, .badge-failed, .badge-abandoned { color:var(--danger); border-color:#fda29b; background:#fef3f2; }
.notice { padding:12px 14px; border-radius:8px; margin-bottom:16px; border:1px solid; }
.notice p { margin:0 0 4px; } .notice ul { margin:4px 0 0; padding-left:20px; }
.notice-ok { background:#ecfdf3; border-color:#75e0a7; }
.notice-error { background:#fef3f2; border-color:#fda29b; }
.notice-info { background:#f0f9ff; border-color:#7cd4fd; }
.steps { display:flex; flex-wrap:wrap; gap:8px; padding:0; margin:0 0 16px; list-style:none; counter-reset:step; }
.steps li { padding:6px 12px; border-radius:999px; background:#e4e7ec; color:var(--muted); }
.steps li[aria-current=step] { background:var(--accent); color:#fff; font-weight:600; }
.checks { list-style:none; padding:0; margin:8px 0 0; }
.checks li { padding:6px 0; border-top:1px solid var(--line); }
.checks .ok::before { content:"✓ "; color:var(--ok); font-weight:700; }
.checks .fail::before { content:"✗ "; color:var(--danger); font-weight:700; }
pre, code { font-family:ui-monospace,SFMono-Regular,Menlo,monospace; font-size:.9rem; }
pre { white-space:pre-wrap; overflow-wrap:anywhere; background:#f2f4f7; padding:8px; border-radius:6px; }
.muted { color:var(--muted); }
.filters { display:grid; grid-template-columns:repeat(auto-fit,minmax(160px,1fr)); gap:8px 12px; align-items:end; }
dl.config { display:grid; grid-template-columns:max-content 1fr; gap:4px 16px; margin:0; }
dl.config dt { font-weight:600; } dl.config dd { margin:0; word-break:break-word; }
.secret-token { font-size:1rem; width:100%; }
@media (max-width:640px) { main { padding:10px; } dl.config { grid-template-columns:1fr; gap:0; } dl.config dd { margin-bottom:8px; } th, td { padding:6px; } .top { padding:8px 10px; } }
`;
