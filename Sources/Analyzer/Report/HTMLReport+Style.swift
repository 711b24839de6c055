/// The report page's stylesheet and script, inlined so the file opens without a network.
extension HTMLReport {
  static let css = """
    :root{--fg:#1f2933;--muted:#61707e;--line:#dde3e9;--bg:#f6f8fa;--accent:#0b5cad}
    *{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
    header{background:#102a43;color:#fff;padding:18px 32px 10px}header h1{margin:0;font-size:22px}
    header .meta{margin:4px 0 8px;color:#bcccdc}nav a{color:#9fb3c8;margin-right:18px;text-decoration:none;font-weight:600}nav a:hover{color:#fff}
    main{padding:8px 32px 32px;max-width:1500px}section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 18px;margin:16px 0}
    h2{margin:0 0 10px;font-size:18px}h2 small{font-weight:400;color:var(--muted);font-size:13px;margin-left:6px}h3{margin:4px 0;font-size:15px}
    .cards{display:flex;gap:12px;flex-wrap:wrap;background:none;border:0;padding:0}
    .card{flex:1;min-width:120px;border-radius:8px;padding:10px 14px;color:#fff;display:flex;flex-direction:column}
    .card b{font-size:26px}.card span{font-size:12px;text-transform:uppercase;letter-spacing:.05em;opacity:.9}
    .card.plain{background:#fff;color:var(--fg);border:1px solid var(--line)}
    .sev-critical{background:#7b1fa2}.sev-high{background:#d32f2f}.sev-medium{background:#f57c00}.sev-low{background:#1976d2}.sev-info{background:#78909c}
    .badge{display:inline-block;color:#fff;border-radius:4px;padding:1px 6px;font-size:11px;font-weight:700;letter-spacing:.03em}
    .filters{display:flex;gap:8px;margin-bottom:10px;flex-wrap:wrap;align-items:center}
    .filters input,.filters select{padding:6px 8px;border:1px solid #b8c4ce;border-radius:5px;font:inherit}#q{flex:1;min-width:260px}
    table{border-collapse:collapse;width:100%}th{text-align:left;font-size:12px;color:var(--muted);border-bottom:2px solid var(--line);padding:6px}
    td{border-bottom:1px solid var(--line);padding:6px;vertical-align:top}tr.hidden{display:none}
    th.ent{width:260px}.num{text-align:right;font-variant-numeric:tabular-nums}td.hot{color:#c62828;font-weight:700}
    .detail{color:#3e4c59;margin-top:2px}.muted{color:var(--muted);font-size:12px}code{font:12px ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
    details summary{cursor:pointer;color:var(--accent);font-size:12px}details p{margin:4px 0}
    .note{background:#fff8e1;border:1px solid #ffe082;border-radius:6px;padding:6px 10px}
    .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:14px}figure svg{max-height:260px}
    figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:10px}figcaption{font-weight:600;margin-bottom:6px}
    svg .lbl{font-size:12px;fill:#3e4c59}svg .tick{font-size:10px;fill:#3e4c59}svg .val{font-size:11px;fill:#61707e}svg .axis{stroke:#9aa5b1}
    .frameworks{display:grid;grid-template-columns:repeat(auto-fit,minmax(430px,1fr));gap:16px}.fw{border:1px solid var(--line);border-radius:6px;padding:8px 10px}
    .st{display:inline-block;border-radius:10px;padding:1px 8px;font-size:11px;font-weight:700}
    .st.pass{background:#e3f4e8;color:#1b5e20}.st.fail{background:#fdecea;color:#b71c1c}.st.not-assessed{background:#eceff1;color:#455a64}
    .perm td:first-child{white-space:nowrap;min-width:190px}.bar{height:5px;background:#90a4ae;border-radius:3px;margin-top:3px}.svc{display:inline-block;background:#eef2f6;border-radius:4px;padding:1px 6px;margin:1px;font-size:12px}
    .graph{overflow-x:auto}.graph svg text{font-size:12px}.paths li{margin:3px 0}
    footer{color:var(--muted);font-size:12px;padding:0 32px 24px}
    """

  /// Filters and search over the findings table: every control narrows the rows shown.
  static let script = """
    (function(){
      var q=document.getElementById('q'),sev=document.getElementById('fsev'),cat=document.getElementById('fcat'),
          ent=document.getElementById('fent'),shown=document.getElementById('shown');
      if(!q){return;}
      var rows=Array.prototype.slice.call(document.querySelectorAll('table.findings tbody tr[data-sev]'));
      function apply(){
        var t=q.value.toLowerCase(),s=sev.value,c=cat.value,e=ent.value.toLowerCase(),n=0;
        rows.forEach(function(r){
          var ok=(!s||r.dataset.sev===s)&&(!c||r.dataset.cat===c)&&(!e||r.dataset.ent.indexOf(e)>=0)&&
                 (!t||r.textContent.toLowerCase().indexOf(t)>=0);
          r.classList.toggle('hidden',!ok); if(ok){n++;}
        });
        shown.textContent=n+' of '+rows.length+' shown';
      }
      [q,sev,cat,ent].forEach(function(el){el.addEventListener('input',apply);el.addEventListener('change',apply);});
      apply();
    })();
    """
}
