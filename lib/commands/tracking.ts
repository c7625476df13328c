/**
 * The CLIENT subcommands of client-side caching: TRACKING, CACHING, GETREDIR
 * and TRACKINGINFO, with Redis 7.0's checks in its order and its error texts.
 * The tracking itself is in lib/server/tracking.ts.
 *
 * @module
 */
import type { Client } from "../server/client.ts";
import type { TrackingOptions } from "../server/tracking.ts";
import { parseInt64 } from "../util/numbers.ts";
import { NOT_INTEGER, SYNTAX_ERROR } from "./errors.ts";
import type { CommandDefinition } from "./table.ts";

/** Whether one prefix starts with the other (Redis's stringCheckPrefix). */
function overlaps(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

/** BCAST prefixes may not overlap those the client has, nor each other; false after replying the error. */
function prefixesAllowed(
  client: Client,
  existing: ReadonlySet<string>,
  prefixes: readonly string[],
): boolean {
  for (let i = 0; i < prefixes.length; i++) {
    for (const old of existing) {
      if (overlaps(old, prefixes[i])) {
        client.writer.error(
          `ERR Prefix '${prefixes[i]}' overlaps with an existing prefix '${old}'. ` +
            "Prefixes for a single client must not overlap.",
        );
        return false;
      }
    }
    for (let j = i + 1; j < prefixes.length; j++) {
      if (overlaps(prefixes[i], prefixes[j])) {
        client.writer.error(
          `ERR Prefix '${prefixes[i]}' overlaps with another provided prefix '${prefixes[j]}'. ` +
            "Prefixes for a single client must not overlap.",
        );
        return false;
      }
    }
  }
  return true;
}

/** CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p ...] [OPTIN] [OPTOUT] [NOLOOP] */
function clientTracking(client: Client, argv: string[]): void {
  const w = client.writer;
  const tracking = client.server.tracking;
  const options: TrackingOptions = { redirect: 0, bcast: false, optin: false, optout: false, noloop: false };
  const prefixes: string[] = [];
  for (let j = 3; j < argv.length; j++) {
    const option = argv[j].toLowerCase();
    const more = j < argv.length - 1;
    if (option === "redirect" && more) {
      if (options.redirect !== 0) {
        w.error("ERR A client can only redirect to a single other client");
        return;
      }
      const id = parseInt64(argv[++j]);
      if (id === null) {
        w.error(NOT_INTEGER);
        return;
      }
      if (!client.server.clients.has(Number(id))) {
        w.error("ERR The client ID you want redirect to does not exist");
        return;
      }
      options.redirect = Number(id);
    } else if (option === "bcast" || option === "optin" || option === "optout" || option === "noloop") {
      options[option] = true;
    } else if (option === "prefix" && more) {
      prefixes.push(argv[++j]);
    } else {
      w.error(SYNTAX_ERROR);
      return;
    }
  }
  const mode = argv[2].toLowerCase();
  if (mode === "off") {
    tracking.disable(client);
  } else if (mode === "on") {
    const state = tracking.stateOf(client);
    let error: string | undefined;
    if (!options.bcast && prefixes.length !== 0) {
      error = "PREFIX option requires BCAST mode to be enabled";
    } else if (state !== undefined && state.bcast !== options.bcast) {
      error = "You can't switch BCAST mode on/off before disabling tracking for this client, " +
        "and then re-enabling it with a different mode.";
    } else if (options.bcast && (options.optin || options.optout)) {
      error = "OPTIN and OPTOUT are not compatible with BCAST";
    } else if (options.optin && options.optout) {
      error = "You can't specify both OPTIN mode and OPTOUT mode";
    } else if ((options.optin && state?.optout) || (options.optout && state?.optin)) {
      error = "You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, " +
        "and then re-enabling it with a different mode.";
    }
    if (error !== undefined) {
      w.error(`ERR ${error}`);
      return;
    }
    if (options.bcast && !prefixesAllowed(client, state?.prefixes ?? new Set(), prefixes)) return;
    tracking.enable(client, options, prefixes);
  } else {
    w.error(SYNTAX_ERROR);
    return;
  }
  w.ok();
}

/** CLIENT CACHING YES|NO: whether the next command's keys are tracked, in OPTIN / OPTOUT mode. */
function clientCaching(client: Client, argv: string[]): void {
  const w = client.writer;
  const state = client.server.tracking.stateOf(client);
  if (state === undefined) {
    w.error(
      "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled",
    );
    return;
  }
  const answer = argv[2].toLowerCase();
  if (answer === "yes" && !state.optin) {
    w.error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
  } else if (answer === "no" && !state.optout) {
    w.error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
  } else if (answer !== "yes" && answer !== "no") {
    w.error(SYNTAX_ERROR);
  } else {
    state.caching = true;
    w.ok();
  }
}

function clientGetredir(client: Client): void {
  client.writer.integer(client.server.tracking.stateOf(client)?.redirect ?? -1);
}

function clientTrackinginfo(client: Client): void {
  const w = client.writer;
  const state = client.server.tracking.stateOf(client);
  const flags = [state === undefined ? "off" : "on"];
  if (state?.bcast) flags.push("bcast");
  if (state?.optin) flags.push("optin", ...(state.caching ? ["caching-yes"] : []));
  if (state?.optout) flags.push("optout", ...(state.caching ? ["caching-no"] : []));
  if (state?.noloop) flags.push("noloop");
  if (state?.brokenRedirect) flags.push("broken_redirect");
  w.map(3);
  w.bulk("flags");
  w.set(flags.length);
  for (const flag of flags) w.bulk(flag);
  w.bulk("redirect");
  w.integer(state?.redirect ?? -1);
  w.bulk("prefixes");
  w.bulkArray([...state?.prefixes ?? []].sort());
}

const TRACKING: Omit<CommandDefinition, "name" | "arity" | "summary"> = {
  group: "connection",
  categories: ["connection"],
  flags: ["noscript", "loading", "stale"],
  since: "6.0.0",
};

export const clientTrackingSubcommands: CommandDefinition[] = [
  {
    ...TRACKING,
    name: "tracking",
    arity: -3,
    summary: "Enable or disable server assisted client side caching support",
    complexity: "O(1). Some options may introduce additional complexity.",
    handler: clientTracking,
  },
  {
    ...TRACKING,
    name: "caching",
    arity: 3,
    summary: "Instruct the server about tracking or not keys in the next request",
    complexity: "O(1)",
    handler: clientCaching,
  },
  {
    ...TRACKING,
    name: "getredir",
    arity: 2,
    summary: "Get tracking notifications redirection client ID if any",
    complexity: "O(1)",
    handler: clientGetredir,
  },
  {
    ...TRACKING,
    name: "trackinginfo",
    arity: 2,
    since: "6.2.0",
    summary: "Return information about server assisted client side caching for the current connection",
    complexity: "O(1)",
    handler: clientTrackinginfo,
  },
];
