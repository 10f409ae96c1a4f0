// The same checks with an independent client (nats.js), against the server given as argv[2].
const { connect, StringCodec, headers, ErrorCode } = require("nats");

function check(ok, what) {
  if (!ok) throw new Error("check failed: " + what);
}

async function waitFor(what, cond) {
  const deadline = Date.now() + 10000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for " + what);
    await new Promise((r) => setTimeout(r, 5));
  }
}

(async () => {
  const nc = await connect({ servers: process.argv[2], reconnect: false });
  const sc = StringCodec();

  // pub/sub with a server-side max of 3
  const got = [];
  const sub = nc.subscribe("js.test", { max: 3 });
  const done = (async () => { for await (const m of sub) got.push(sc.decode(m.data)); })();
  for (let i = 0; i < 5; i++) nc.publish("js.test", sc.encode("m" + i));
  await done;
  check(got.join(",") === "m0,m1,m2", "pub/sub with max: " + got);

  // wildcards
  const wild = [];
  nc.subscribe("w.>", { callback: (e, m) => wild.push(m.subject) });
  nc.subscribe("w.*", { callback: (e, m) => wild.push("*" + m.subject) });
  nc.publish("w.a");
  nc.publish("w.a.b");
  await nc.flush();
  await waitFor("wildcard deliveries", () => wild.length === 3);
  check(wild.sort().join(",") === "*w.a,w.a,w.a.b", "wildcards: " + wild);

  // request/reply with headers
  const svc = nc.subscribe("svc.*");
  (async () => {
    for await (const m of svc) {
      const h = headers();
      h.set("X-Echo", m.headers ? m.headers.get("X-In") : "none");
      m.respond(sc.encode("re:" + sc.decode(m.data)), { headers: h });
    }
  })();
  const h = headers();
  h.set("X-In", "v1");
  const r = await nc.request("svc.echo", sc.encode("hi"), { timeout: 5000, headers: h });
  check(sc.decode(r.data) === "re:hi", "reply body");
  check(r.headers && r.headers.get("X-Echo") === "v1", "reply headers");

  // no responders
  let noResponders = false;
  try {
    await nc.request("nobody.here", sc.encode("x"), { timeout: 5000 });
  } catch (e) {
    noResponders = e.code === ErrorCode.NoResponders;
    if (!noResponders) throw e;
  }
  check(noResponders, "503 no responders");

  // queue group
  const counts = [0, 0];
  nc.subscribe("work", { queue: "g", callback: () => counts[0]++ });
  nc.subscribe("work", { queue: "g", callback: () => counts[1]++ });
  for (let i = 0; i < 200; i++) nc.publish("work", sc.encode("j" + i));
  await nc.flush();
  await waitFor("200 queue deliveries", () => counts[0] + counts[1] === 200);
  check(counts[0] > 0 && counts[1] > 0, "both members served: " + counts);

  // max payload from INFO
  check(nc.info.max_payload === 1048576, "max_payload " + nc.info.max_payload);

  await nc.drain();
  console.log("NODE-OK");
})().catch((e) => {
  console.error("NODE-FAIL", e);
  process.exit(1);
});
