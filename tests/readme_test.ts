/**
 * README is the user's manual; these checks keep it true as the code changes.
 */
import assert from "node:assert/strict";
import { paramsWithoutEffect } from "../lib/config.ts";
import { CommandTable } from "../lib/commands/table.ts";
import { commandDefinitions } from "../lib/commands/mod.ts";

const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));

Deno.test("README lists exactly the parameters that have no effect", () => {
  const start = readme.indexOf("The full list:");
  assert.ok(start > 0, "README has the list of parameters without effect");
  const text = readme.slice(start + "The full list:".length, readme.indexOf(".\n", start));
  const listed = text.split(",").map((name) => name.trim()).filter((name) => name !== "");
  assert.deepEqual(listed, [...paramsWithoutEffect()].sort());
});

Deno.test("README's compatibility table names every command as done", () => {
  const doneRows = readme.split("\n").filter((line) => /^\|.*\|\s*done\s*\|$/.test(line));
  const text = doneRows.join("\n");
  const table = new CommandTable(commandDefinitions);
  for (const command of table.all()) {
    const words = command.name.toUpperCase().split("|");
    const name = words[words.length - 1];
    assert.match(text, new RegExp(`\\b${name.replace("-", "\\-")}\\b`), `${command.name} in README`);
  }
});
