// aws-jwt-verify (AWS's own verifier, Node) on the same Cognito access tokens as
// `peer-bench verify-ours`: cold (each token once, distinct tokens) and warm (the same token
// again). JWKS preloaded with cacheJwks, so no network. Prints one JSON line.
//   usage: node verify.mjs <tokens.json> <seconds>
import { readFileSync } from 'node:fs';
import { CognitoJwtVerifier } from 'aws-jwt-verify';

const [file, secondsArg] = process.argv.slice(2);
const input = JSON.parse(readFileSync(file, 'utf8'));
const seconds = Number(secondsArg ?? '3');
const verifier = CognitoJwtVerifier.create({
  userPoolId: input.user_pool_id,
  tokenUse: 'access',
  clientId: input.client_id,
});
verifier.cacheJwks(input.jwks);

function rate(next) {
  // Warm-up, then count for `seconds`.
  for (let i = 0; i < 200; i++) verifier.verifySync(next(i));
  let n = 0;
  const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < end) {
    for (let k = 0; k < 50; k++, n++) verifier.verifySync(next(n));
  }
  return n / seconds;
}

const tokens = input.tokens;
const cold = rate((i) => tokens[i % tokens.length]);
const warm = rate(() => tokens[0]);
console.log(JSON.stringify({ verifier: 'aws-jwt-verify', cold_ops: cold, warm_ops: warm }));
