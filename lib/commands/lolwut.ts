/**
 * LOLWUT [VERSION v] [args...]: Redis 7.0's computer art. Version 5 draws
 * Georg Nees' "Schotter" in Braille characters, version 6 a city skyline in
 * terminal colours; any other version, Redis 7.0.15's default among them,
 * only names the version. The drawings follow Redis's lolwut.c, lolwut5.c
 * and lolwut6.c step by step (C's float arithmetic, round() and integer
 * truncation included); only the random numbers differ, Math.random standing
 * in for rand().
 *
 * @module
 */
import type { Client } from "../server/client.ts";
import { bytesToBinary } from "../util/latin1.ts";
import { parseInt64, parseInteger } from "../util/numbers.ts";
import { REDIS_VERSION } from "../version.ts";
import { NOT_INTEGER } from "./errors.ts";
import type { CommandDefinition } from "./table.ts";

/** A source of C rand() values: integers in [0, RAND_MAX]. */
export type Rand = () => number;

/** glibc's RAND_MAX. */
export const RAND_MAX = 2147483647;

const mathRand: Rand = () => Math.floor(Math.random() * (RAND_MAX + 1));

const f32 = Math.fround;

/** C's round(): halves away from zero. */
function cRound(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** Redis's lwCanvas: width x height pixels, each a colour (0/1 or the four grays of version 6). */
export class Canvas {
  readonly pixels: Uint8Array;

  constructor(readonly width: number, readonly height: number, background = 0) {
    this.pixels = new Uint8Array(width * height);
    if (background !== 0) this.pixels.fill(background);
  }

  /** lwDrawPixel: writes outside the canvas are ignored. */
  set(x: number, y: number, color: number): void {
    if (x < 0 || x >= this.width || y < 0 || y >= this.height) return;
    this.pixels[x + y * this.width] = color;
  }

  /** lwGetPixel: 0 outside the canvas. */
  get(x: number, y: number): number {
    if (x < 0 || x >= this.width || y < 0 || y >= this.height) return 0;
    return this.pixels[x + y * this.width];
  }

  /** lwDrawLine: Bresenham from x1,y1 to x2,y2. */
  line(x1: number, y1: number, x2: number, y2: number, color: number): void {
    const dx = Math.abs(x2 - x1);
    const dy = Math.abs(y2 - y1);
    const sx = x1 < x2 ? 1 : -1;
    const sy = y1 < y2 ? 1 : -1;
    let err = dx - dy;
    while (true) {
      this.set(x1, y1, color);
      if (x1 === x2 && y1 === y2) break;
      const e2 = err * 2;
      if (e2 > -dy) {
        err -= dy;
        x1 += sx;
      }
      if (e2 < dx) {
        err += dx;
        y1 += sy;
      }
    }
  }

  /**
   * lwDrawSquare: a square centred on x,y with side `size` (a C float),
   * rotated by `angle` (a float), its corners on a circle as Redis finds them.
   */
  square(x: number, y: number, size: number, angle: number, color: number): void {
    const radius = f32(cRound(f32(size / 1.4142135623)));
    const px: number[] = [];
    const py: number[] = [];
    let k = f32(Math.PI / 4 + angle);
    for (let j = 0; j < 4; j++) {
      px.push(cRound(Math.sin(k) * radius + x));
      py.push(cRound(Math.cos(k) * radius + y));
      k = f32(k + Math.PI / 2);
    }
    for (let j = 0; j < 4; j++) this.line(px[j], py[j], px[(j + 1) % 4], py[(j + 1) % 4], color);
  }
}

/**
 * Version 5's renderCanvas: each 2x4 block of pixels as one Braille character
 * (U+2800 plus the dots, numbered 0 3 / 1 4 / 2 5 / 6 7, as bits), in UTF-8;
 * a newline after each row of blocks but one starting on the canvas's last
 * pixel row. Written straight into bytes: at 1000 columns and 200 squares a
 * column the text is 300 MB, as in Redis.
 */
export function renderBraille(canvas: Canvas): string {
  const { width, height, pixels } = canvas;
  const chars = Math.ceil(width / 2);
  const lines = Math.ceil(height / 4);
  const newlines = (height - 1) % 4 === 0 ? lines - 1 : lines;
  const out = new Uint8Array(lines * chars * 3 + newlines);
  // The pixel at x of the row starting at `row`, 0 past the canvas's edges.
  const at = (row: number, x: number) => row < 0 || x >= width || pixels[row + x] === 0 ? 0 : 1;
  let pos = 0;
  for (let y = 0; y < height; y += 4) {
    const [r0, r1, r2, r3] = [0, 1, 2, 3].map((i) => y + i < height ? (y + i) * width : -1);
    for (let x = 0; x < width; x += 2) {
      const code = 0x2800 + (at(r0, x) | at(r1, x) << 1 | at(r2, x) << 2 | at(r0, x + 1) << 3 |
        at(r1, x + 1) << 4 | at(r2, x + 1) << 5 | at(r3, x) << 6 | at(r3, x + 1) << 7);
      out[pos++] = 0xe0 | (code >> 12);
      out[pos++] = 0x80 | ((code >> 6) & 0x3f);
      out[pos++] = 0x80 | (code & 0x3f);
    }
    if (y !== height - 1) out[pos++] = 10;
  }
  return bytesToBinary(out);
}

/**
 * lwDrawSchotter: `squaresPerRow` x `squaresPerCol` squares on a canvas
 * `cols` characters wide, rotated and shifted more and more from the third
 * row down.
 */
export function drawSchotter(cols: number, squaresPerRow: number, squaresPerCol: number, rand: Rand): Canvas {
  const width = cols * 2;
  const padding = width > 4 ? 2 : 0;
  const side = f32((width - padding * 2) / squaresPerRow);
  const height = Math.trunc(f32(f32(side * squaresPerCol) + padding * 2));
  const canvas = new Canvas(width, height);
  const halfSide = f32(side / 2);
  // (float)rand() / (float)RAND_MAX / squares_per_col * y, each step a float.
  const randomShare = (y: number) => f32(f32(f32(f32(rand()) / f32(RAND_MAX)) / squaresPerCol) * y);
  for (let y = 0; y < squaresPerCol; y++) {
    for (let x = 0; x < squaresPerRow; x++) {
      let sx = Math.trunc(f32(f32(f32(x * side) + halfSide) + padding));
      let sy = Math.trunc(f32(f32(f32(y * side) + halfSide) + padding));
      let angle = 0;
      if (y > 1) {
        let r1 = randomShare(y);
        let r2 = randomShare(y);
        let r3 = randomShare(y);
        if (rand() % 2) r1 = -r1;
        if (rand() % 2) r2 = -r2;
        if (rand() % 2) r3 = -r3;
        angle = r1;
        sx = Math.trunc(f32(sx + f32(f32(r2 * side) / 3)));
        sy = Math.trunc(f32(sy + f32(f32(r3 * side) / 3)));
      }
      canvas.square(sx, sy, side, angle, 1);
    }
  }
  return canvas;
}

/** Version 6's terminal colours: black, two grays, white, as foreground and background. */
const COLOR_CELLS = ["0;30;40m", "0;90;100m", "0;37;47m", "0;97;107m"].map((ce) => `\x1b[${ce} \x1b[0m`);

/** Version 6's renderCanvas: one coloured space per pixel, a newline after each row but the last. */
export function renderColors(canvas: Canvas): string {
  const lines: string[] = [];
  for (let y = 0; y < canvas.height; y++) {
    let line = "";
    for (let x = 0; x < canvas.width; x++) line += COLOR_CELLS[canvas.get(x, y)] ?? COLOR_CELLS[0];
    lines.push(line);
  }
  return lines.join("\n");
}

interface Skyscraper {
  xoff: number;
  width: number;
  height: number;
  windows: boolean;
  color: number;
}

/** generateSkyscraper: a building standing on the bottom row, its roof narrower, windows in random grays. */
function drawSkyscraper(canvas: Canvas, si: Skyscraper, rand: Rand): void {
  const startY = canvas.height - 1;
  const endY = startY - si.height + 1;
  for (let y = startY; y >= endY; y--) {
    for (let x = si.xoff; x < si.xoff + si.width; x++) {
      if (y === endY && (x <= si.xoff + 1 || x >= si.xoff + si.width - 2)) continue;
      let color = si.color;
      if (si.windows && x > si.xoff + 1 && x < si.xoff + si.width - 2 && y > endY + 1 && y < startY - 1) {
        const relX = x - (si.xoff + 1);
        const relY = y - (endY + 1);
        if (Math.trunc(relX / 2) % 2 && relY % 2) {
          do {
            color = 1 + rand() % 2;
          } while (color === si.color);
          if (relX % 2) color = canvas.get(x - 1, y);
        }
      }
      canvas.set(x, y, color);
    }
  }
}

/** generateSkyline: two rows of background buildings, the lighter behind, then the foreground with windows. */
export function drawSkyline(cols: number, rows: number, rand: Rand): Canvas {
  const canvas = new Canvas(cols, rows, 3);
  const h = canvas.height;
  const si: Skyscraper = { xoff: 0, width: 0, height: 0, windows: false, color: 0 };
  for (let color = 2; color >= 1; color--) {
    si.color = color;
    for (let offset = -10; offset < canvas.width;) {
      offset += rand() % 8;
      si.xoff = offset;
      si.width = 10 + rand() % 9;
      si.height = Math.trunc(h / 2) + Math.trunc((rand() % h) / (color === 2 ? 2 : 3));
      si.windows = false;
      drawSkyscraper(canvas, si, rand);
      offset += color === 2 ? Math.trunc(si.width / 2) : si.width + 1;
    }
  }
  si.color = 0;
  for (let offset = -10; offset < canvas.width;) {
    offset += rand() % 8;
    si.xoff = offset;
    si.width = 5 + rand() % 14;
    if (si.width % 4) si.width += si.width % 3;
    si.height = Math.trunc(h / 3) + Math.trunc((rand() % h) / 2);
    si.windows = true;
    drawSkyscraper(canvas, si, rand);
    offset += si.width + 5;
  }
  return canvas;
}

/**
 * The version-specific arguments, each parsed as getLongFromObjectOrReply
 * and clamped to [1, max]; null after replying the error.
 */
function sizeArgs(client: Client, args: string[], defaults: number[], maxima: number[]): number[] | null {
  const values = [...defaults];
  for (let i = 0; i < values.length && i < args.length; i++) {
    const n = parseInteger(args[i]);
    if (n === null) {
      client.writer.error(NOT_INTEGER);
      return null;
    }
    values[i] = n;
  }
  return values.map((n, i) => Math.min(Math.max(n, 1), maxima[i]));
}

/** lolwut5Command: LOLWUT [cols [squares-per-row [squares-per-col]]], 66 8 12 by default. */
function lolwut5(client: Client, args: string[], rand: Rand): void {
  const sizes = sizeArgs(client, args, [66, 8, 12], [1000, 200, 200]);
  if (sizes === null) return;
  const [cols, perRow, perCol] = sizes;
  client.writer.verbatim(
    renderBraille(drawSchotter(cols, perRow, perCol, rand)) +
      `\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. ${REDIS_VERSION}\n`,
  );
}

/** lolwut6Command: LOLWUT [cols [rows]], 80 20 by default. */
function lolwut6(client: Client, args: string[], rand: Rand): void {
  const sizes = sizeArgs(client, args, [80, 20], [1000, 1000]);
  if (sizes === null) return;
  const [cols, rows] = sizes;
  client.writer.verbatim(
    renderColors(drawSkyline(cols, rows, rand)) +
      "\nDedicated to the 8 bit game developers of past and present.\n" +
      `Original 8 bit image from Plaguemon by hikikomori. Redis ver. ${REDIS_VERSION}\n`,
  );
}

/**
 * lolwutCommand: VERSION v (an int64, printed as C's `%u` of its low 32
 * bits, "v.0.0") picks the drawing by the version's first characters, as
 * Redis 7.0 does; without it, this server's own version does.
 */
function lolwut(client: Client, argv: string[]): void {
  let version = REDIS_VERSION;
  let args = argv.slice(1);
  if (argv.length >= 3 && argv[1].toLowerCase() === "version") {
    const v = parseInt64(argv[2]);
    if (v === null) {
      client.writer.error(NOT_INTEGER);
      return;
    }
    version = `${BigInt.asUintN(32, v)}.0.0`;
    args = argv.slice(3);
  }
  const [major, dot, minor] = version;
  if ((major === "5" && dot === "." && minor !== "9") || (major === "4" && dot === "." && minor === "9")) {
    lolwut5(client, args, mathRand);
  } else if (
    (major === "6" && dot === "." && minor !== "9") || (major === "5" && dot === "." && minor === "9")
  ) {
    lolwut6(client, args, mathRand);
  } else {
    client.writer.verbatim(`Redis ver. ${REDIS_VERSION}\n`);
  }
}

export const lolwutCommands: CommandDefinition[] = [
  {
    name: "lolwut",
    group: "server",
    arity: -1,
    flags: ["readonly", "fast"],
    since: "5.0.0",
    summary: "Display some computer art and the Redis version",
    handler: lolwut,
  },
];
