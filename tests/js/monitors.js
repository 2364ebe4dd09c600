// The official TypeScript/JavaScript client (@datadog/datadog-api-client) against a recess test
// server: monitor get, search, group search, validate and can_delete. Run by
// tests/api/test_monitors_js.py, which sets the environment and checks the summary printed on
// stdout. The JS client throws when an answer misses a field its model requires, and marks an
// unknown enum value as unparsed: both are reported here.
"use strict";

const { client, v1 } = require("@datadog/datadog-api-client");

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const configuration = client.createConfiguration({
  baseServer: new client.BaseServerConfiguration(env("RECESS_URL"), {}),
  authMethods: { apiKeyAuth: env("DD_API_KEY"), appKeyAuth: env("DD_APP_KEY") },
});
const api = new v1.MonitorsApi(configuration);

// An answer, or the refusal the client raised for it.
async function attempt(call) {
  try {
    return { ok: await call() };
  } catch (error) {
    if (error instanceof client.ApiException) return { code: error.code, body: error.body };
    return { thrown: String(error) };
  }
}

const summarize = {
  monitor: (m) => ({
    id: m.id, type: m.type, draftStatus: m.draftStatus, overallState: m.overallState, unparsed: Boolean(m._unparsed),
    assets: (m.assets || []).map((a) => ({ category: a.category, name: a.name, url: a.url, resourceType: a.resourceType })),
  }),
  search: (r) => ({
    unparsed: Boolean(r._unparsed), ids: r.monitors.map((m) => m.id), statuses: r.monitors.map((m) => m.status),
    types: r.monitors.map((m) => m.type), metadata: { ...r.metadata, additionalProperties: undefined },
    counts: Object.fromEntries(["status", "muted", "tag", "type"].map((k) => [k, (r.counts[k] || []).map((i) => [i.name, i.count])])),
  }),
  groups: (r) => ({
    unparsed: Boolean(r._unparsed), total: r.metadata.totalCount,
    groups: r.groups.map((g) => ({ monitorId: g.monitorId, group: g.group, status: g.status,
      lastTriggeredTs: g.lastTriggeredTs, muted: (g.additionalProperties || {}).muted })),
  }),
};

async function main() {
  const monitorId = Number(env("MONITOR_ID"));
  const otherId = Number(env("OTHER_ID"));
  const out = {};
  const wrap = async (name, call, summary) => {
    const got = await attempt(call);
    out[name] = got.ok !== undefined && summary ? { ok: summary(got.ok) } : got;
  };
  const made = {
    name: "made by the JS client", type: "query alert", query: "avg(last_5m):avg:system.load.1{env:prod} > 4",
    options: { thresholds: { critical: 4 } }, tags: ["client:js"],
    assets: [{ category: "runbook", name: "Runbook", url: "/notebooks/7", resourceType: "notebook", resourceKey: "7" }],
  };
  await wrap("create", () => api.createMonitor({ body: made }), summarize.monitor);
  await wrap("get", () => api.getMonitor({ monitorId }), summarize.monitor);
  await wrap("searchAlert", () => api.searchMonitors({ query: "status:alert" }), summarize.search);
  await wrap("searchMuted", () => api.searchMonitors({ query: "muted:true tag:team:sre", perPage: 5, sort: "name,asc" }), summarize.search);
  await wrap("searchAll", () => api.searchMonitors({}), summarize.search);
  await wrap("searchBad", () => api.searchMonitors({ query: "status:notastatus" }));
  await wrap("groups", () => api.searchMonitorGroups({}), summarize.groups);
  await wrap("groupsBad", () => api.searchMonitorGroups({ query: "status:notastatus" }));
  await wrap("validate", () => api.validateMonitor({ body: made }));
  await wrap("validateBad", () => api.validateMonitor({ body: { type: "query alert", query: "query" } }));
  await wrap("validateExisting", () => api.validateExistingMonitor({ monitorId, body: { type: "metric alert", query: made.query, options: made.options } }));
  await wrap("canDeleteOther", () => api.checkCanDeleteMonitor({ monitorIds: [otherId] }));
  await wrap("canDeleteNamed", () => api.checkCanDeleteMonitor({ monitorIds: [monitorId, otherId] }));
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
