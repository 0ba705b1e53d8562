const fs=require("fs");const d=__dirname+"/prof/";const f=fs.readdirSync(d)[0];const p=JSON.parse(fs.readFileSync(d+f));
const self=new Map();const idx=new Map(p.nodes.map(n=>[n.id,n]));
const cnt=new Map();for(const s of p.samples){cnt.set(s,(cnt.get(s)||0)+1)}
for(const [id,c] of cnt){const n=idx.get(id);const k=n.callFrame.functionName+" "+n.callFrame.url.split("/").pop()+":"+n.callFrame.lineNumber;self.set(k,(self.get(k)||0)+c)}
const tot=p.samples.length;[...self].sort((a,b)=>b[1]-a[1]).slice(0,22).forEach(([k,v])=>console.log((v/tot*100).toFixed(1)+"%",k))
