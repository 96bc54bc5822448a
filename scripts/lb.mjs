// A small round-robin load balancer for `make demo-replicas`: one public origin in front of
// several replicas. Each response says which replica served it (`x-served-by`).
//   usage: node scripts/lb.mjs <port> <backend-url>...
import http from 'node:http';

const [port, ...backends] = process.argv.slice(2);
if (!port || backends.length === 0) {
  console.error('usage: node scripts/lb.mjs <port> <backend-url>...');
  process.exit(2);
}
let next = 0;
const agent = new http.Agent({ keepAlive: true });

http.createServer((req, res) => {
  const i = next++ % backends.length;
  const target = new URL(req.url, backends[i]);
  const upstream = http.request(target, { method: req.method, headers: req.headers, agent }, (up) => {
    res.writeHead(up.statusCode, { ...up.headers, 'x-served-by': `replica-${i + 1}` });
    up.pipe(res);
    if (!req.url.startsWith('/pkg/')) console.log(`replica-${i + 1}  ${req.method} ${req.url.split('?')[0]} → ${up.statusCode}`);
  });
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`replica-${i + 1} is down\n`);
  });
  req.pipe(upstream);
}).listen(Number(port), '127.0.0.1', () => {
  console.log(`load balancer on http://127.0.0.1:${port} → ${backends.join(', ')}`);
});
