const vals = ['"Loan Desk" <sip:+15551230000@acmebank.example>;reason=user-busy;counter=1;screen=yes, <tel:+15550009999>;reason=no-answer;counter=1',
'<sip:+15551230000@acmebank.example;cause=486>;index=1.1;mp=1, <sip:+12065551234@voice.example.com;cause=480>;index=1.1.1;rc=1.1',
'INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, UPDATE','replaces, timer, 100rel'];
function scan(value){const commas=[];let depth=0;for(let i=0;i<value.length;i++){const c=value.charCodeAt(i);
 if(c===34){i++;while(i<value.length){const q=value.charCodeAt(i);if(q===34)break;i+=q===92?2:1;}}
 else if(c===60)depth++;else if(c===62&&depth>0)depth--;else if(c===44&&depth===0)commas.push(i);}return commas;}
function trim(v,s,e){while(s<e&&(v.charCodeAt(s)===32||v.charCodeAt(s)===9))s++;while(e>s&&(v.charCodeAt(e-1)===32||v.charCodeAt(e-1)===9))e--;return v.slice(s,e);}
function split(v){if(v.indexOf(',')===-1)return[v];const out=[];let st=0;for(const c of scan(v)){const e=trim(v,st,c);if(e!=='')out.push(e);st=c+1;}const l=trim(v,st,v.length);if(l!=='')out.push(l);return out;}
function bench(label,f){let best=Infinity;for(let k=0;k<7;k++){const n=100000;const t=performance.now();for(let i=0;i<n;i++)f();best=Math.min(best,(performance.now()-t)*1000/n);}console.log(label,best.toFixed(3),'us');}
bench('scan only',()=>{for(const v of vals)scan(v)});
bench('split',()=>{for(const v of vals)split(v)});
bench('loop baseline',()=>{let s=0;for(const v of vals)for(let i=0;i<v.length;i++)s+=v.charCodeAt(i);return s});
