import assert from "node:assert/strict";
import {
  addInt64,
  atoi,
  expireMilliseconds,
  formatDouble,
  INT64_MAX_NUMBER,
  parseInt64,
  parseInteger,
  printfFixed,
  strtod,
} from "./numbers.ts";
import { mulberry32 } from "../../tests/prng.ts";

// ---------------------------------------------------------------------------
// parseInteger / parseInt64 (Redis's string2ll)

const ACCEPTED: [string, bigint][] = [
  ["0", 0n],
  ["1", 1n],
  ["-1", -1n],
  ["9", 9n],
  ["10", 10n],
  ["-10", -10n],
  ["123456789", 123456789n],
  ["9007199254740991", 9007199254740991n],
  ["-9007199254740991", -9007199254740991n],
  ["9223372036854775806", 9223372036854775806n],
  ["9223372036854775807", 9223372036854775807n],
  ["-9223372036854775807", -9223372036854775807n],
  ["-9223372036854775808", -9223372036854775808n],
];

const REJECTED = [
  "",
  "-",
  "+",
  "+1",
  "+0",
  "01",
  "00",
  "-0",
  "-01",
  " 1",
  "1 ",
  "\t1",
  "1\r\n",
  "1\0",
  "9223372036854775808",
  "-9223372036854775809",
  "18446744073709551615",
  "18446744073709551616",
  "99999999999999999999",
  "-99999999999999999999",
  "100000000000000000000",
  "00000000000000000001",
  "1.0",
  "1.",
  ".1",
  "1e3",
  "1E3",
  "0x10",
  "--1",
  "1-",
  "1_000",
  "abc",
  "12a",
  "\u0661", // ARABIC-INDIC DIGIT ONE
  "\uff11", // FULLWIDTH DIGIT ONE
  "Infinity",
  "NaN",
];

Deno.test("parseInteger accepts string2ll integers", () => {
  for (const [text, value] of ACCEPTED) {
    assert.equal(parseInteger(text), Number(value), JSON.stringify(text));
  }
  assert.equal(parseInteger("9223372036854775807"), INT64_MAX_NUMBER);
  assert.equal(parseInteger("-9223372036854775808"), -(2 ** 63));
  // Values beyond 2^53 come back as the nearest double.
  assert.equal(parseInteger("9007199254740993"), 9007199254740992);
  assert.ok(!Object.is(parseInteger("0"), -0));
});

Deno.test("parseInteger rejects what string2ll rejects", () => {
  for (const text of REJECTED) {
    assert.equal(parseInteger(text), null, JSON.stringify(text));
  }
});

Deno.test("parseInt64 is exact over the int64 range", () => {
  for (const [text, value] of ACCEPTED) {
    assert.equal(parseInt64(text), value, JSON.stringify(text));
  }
  for (const text of REJECTED) {
    assert.equal(parseInt64(text), null, JSON.stringify(text));
  }
  // Neighbours of 2^53, which a double cannot tell apart.
  assert.equal(parseInt64("9007199254740993"), 9007199254740993n);
  assert.equal(parseInt64("-9007199254740993"), -9007199254740993n);
  assert.equal(parseInt64("9223372036854775807"), 2n ** 63n - 1n);
  assert.equal(parseInt64("-9223372036854775808"), -(2n ** 63n));
});

/** A random integer of 1 to 19 digits, either sign, as text: int64's range and a little past it. */
function randomIntegerText(rnd: () => number): string {
  const digits = 1 + Math.floor(rnd() * 19);
  let text = String(1 + Math.floor(rnd() * 9));
  for (let d = 1; d < digits; d++) text += String(Math.floor(rnd() * 10));
  return rnd() < 0.5 ? "-" + text : text;
}

Deno.test("parseInteger and parseInt64 agree with BigInt on 10,000 seeded random integers", () => {
  const rnd = mulberry32(0x5eed1);
  for (let i = 0; i < 10_000; i++) {
    const text = randomIntegerText(rnd);
    const big = BigInt(text);
    const inRange = big <= 2n ** 63n - 1n && big >= -(2n ** 63n);
    assert.equal(parseInt64(text), inRange ? big : null, text);
    assert.equal(parseInteger(text), inRange ? Number(big) : null, text);
  }
});

Deno.test("expireMilliseconds refuses what Redis's int64 checks refuse, exactly at the bounds", () => {
  const now = 1_800_000_000_000;
  const ms = (text: string, seconds: boolean, base: number) =>
    expireMilliseconds(parseInteger(text)!, text, seconds, base);
  assert.equal(ms("100", true, now), now + 100_000);
  assert.equal(ms("-5", false, now), now - 5);
  // (2^63 - 1) / 1000 and (-2^63) / 1000, truncated as C divides: one more second either way overflows.
  assert.equal(ms("9223372036854775", true, 0), 9223372036854775000);
  assert.equal(ms("9223372036854776", true, 0), null);
  assert.equal(ms("-9223372036854775", true, 0), -9223372036854775000);
  assert.equal(ms("-9223372036854776", true, 0), null);
  // The sum with the base may not pass 2^63 - 1.
  assert.equal(ms("9223372036854775807", false, 0), 9223372036854775807);
  assert.equal(ms("9223372036854775807", false, 1), null);
  assert.equal(ms(String(2n ** 63n - 1n - BigInt(now)), false, now), 9223372036854775807);
  assert.equal(ms(String(2n ** 63n - BigInt(now)), false, now), null);
  // Exact against BigInt on seeded random amounts of every size.
  const rnd = mulberry32(0xe7);
  for (let i = 0; i < 10_000; i++) {
    const text = randomIntegerText(rnd);
    if (parseInteger(text) === null) continue;
    const seconds = rnd() < 0.5;
    const base = rnd() < 0.5 ? now : 0;
    const exact = BigInt(text) * (seconds ? 1000n : 1n) + BigInt(base);
    const inRange = exact <= 2n ** 63n - 1n && (!seconds || BigInt(text) >= -(2n ** 63n) / 1000n);
    assert.equal(ms(text, seconds, base), inRange ? Number(exact) : null, `${text} ${seconds} ${base}`);
  }
});

// ---------------------------------------------------------------------------
// formatDouble (C's printf("%.17g"))

/** Expected strings printed by glibc's printf("%.17g") (gcc, x86_64). */
const GLIBC_FIXED: [number, string][] = [
  [0, "0"],
  [-0, "-0"],
  [1, "1"],
  [1.1, "1.1000000000000001"],
  [0.1, "0.10000000000000001"],
  [1e17, "1e+17"],
  [1e16, "10000000000000000"],
  [123456789012345678, "1.2345678901234568e+17"],
  [1e-4, "0.0001"],
  [1e-5, "1.0000000000000001e-05"],
  [3.14159, "3.1415899999999999"],
  [-2.5, "-2.5"],
  [1 / 3, "0.33333333333333331"],
  [Number.MAX_VALUE, "1.7976931348623157e+308"],
  [5e-324, "4.9406564584124654e-324"],
  [Infinity, "inf"],
  [-Infinity, "-inf"],
  [NaN, "nan"],
  [2.2250738585072014e-308, "2.2250738585072014e-308"],
  [99999999999999999, "1e+17"],
  [9007199254740993, "9007199254740992"],
  [0.3, "0.29999999999999999"],
  [100, "100"],
  [1e21, "1e+21"],
  [1e100, "1e+100"],
  [-1e-300, "-1e-300"],
  [12345678901234567, "12345678901234568"],
  [0.00012345, "0.00012344999999999999"],
  [0.000012345, "1.2345e-05"],
  [1.5, "1.5"],
  [0.1 + 0.2, "0.30000000000000004"],
  [255, "255"],
  [1024.5, "1024.5"],
  [-1e-7, "-9.9999999999999995e-08"],
  [4.35, "4.3499999999999996"],
  [2.5e-5, "2.5000000000000001e-05"],
  [1e308, "1e+308"],
  [1e17 + 16, "1.0000000000000002e+17"],
  [1e17 + 48, "1.0000000000000005e+17"],
  [3 * 2 ** -20, "2.86102294921875e-06"],
];

/**
 * Doubles whose exact value lies exactly halfway between two 17-digit decimals.
 * glibc rounds those to even (per the current rounding mode); expected strings
 * from glibc's printf("%.17g").
 */
const GLIBC_TIES: [number, string][] = [
  [1 + 2 ** -17, "1.0000076293945312"], // exactly 1.00000762939453125
  [-(1 + 2 ** -17), "-1.0000076293945312"],
  [0.5 + 2 ** -18, "0.50000381469726562"], // exactly 0.500003814697265625
  [2 ** -25, "2.9802322387695312e-08"], // exactly 2.98023223876953125e-08
  [-1553674573641072.2, "-1553674573641072.2"], // exactly -1553674573641072.25
  [14338808181261.812, "14338808181261.812"], // exactly 14338808181261.8125
];

/** 200 doubles from a seeded generator, with glibc's printf("%.17g") of each. */
const GLIBC_RANDOM: [number, string][] = [
  [1.0964495123294086e-155, "1.0964495123294086e-155"],
  [-7.188730164306633e-239, "-7.1887301643066331e-239"],
  [5.229141202200309e-149, "5.229141202200309e-149"],
  [-5.9338084074170724e+54, "-5.9338084074170724e+54"],
  [1.7924345210121825e-12, "1.7924345210121825e-12"],
  [8.312407997619227e+135, "8.3124079976192271e+135"],
  [2.5353377595136804e-227, "2.5353377595136804e-227"],
  [-1.9534461460606365e-278, "-1.9534461460606365e-278"],
  [-5.6191710193154923e-182, "-5.6191710193154923e-182"],
  [-3.568628415095528e+97, "-3.5686284150955283e+97"],
  [-2.417668832867848e-196, "-2.4176688328678482e-196"],
  [1.0700764869711849e-259, "1.0700764869711849e-259"],
  [8.665322696417862e-139, "8.6653226964178621e-139"],
  [1.8467906233571212e+80, "1.8467906233571212e+80"],
  [-9.894600310373681e-29, "-9.8946003103736808e-29"],
  [-4.150628540845679e+22, "-4.1506285408456788e+22"],
  [-4.673283102021022e-292, "-4.673283102021022e-292"],
  [5.8481024321051054e-89, "5.8481024321051054e-89"],
  [2.1688777915673382e-10, "2.1688777915673382e-10"],
  [-4.057459827633881e-134, "-4.057459827633881e-134"],
  [2.4730500419005474e-271, "2.4730500419005474e-271"],
  [4.963499776261016e+39, "4.963499776261016e+39"],
  [6.9599379809542e+302, "6.9599379809542e+302"],
  [2.4056030811176056e-108, "2.4056030811176056e-108"],
  [-1.0398137389375745e-278, "-1.0398137389375745e-278"],
  [0.000003760297178747862, "3.7602971787478619e-06"],
  [-4.213712590765568e+234, "-4.2137125907655677e+234"],
  [-1.2003767911470636e-76, "-1.2003767911470636e-76"],
  [1.2092854930384372e+282, "1.2092854930384372e+282"],
  [7.221293567391265e-248, "7.221293567391265e-248"],
  [6.974680503264446e+190, "6.9746805032644457e+190"],
  [-3.2869997844569177e+70, "-3.2869997844569177e+70"],
  [2.34396630737232e+162, "2.3439663073723201e+162"],
  [8.055865687384105e+108, "8.0558656873841051e+108"],
  [1.3154738793720405e+274, "1.3154738793720405e+274"],
  [4.814874419354086e+204, "4.814874419354086e+204"],
  [-6.938986181625216e-87, "-6.9389861816252162e-87"],
  [1.5500667326295518e-21, "1.5500667326295518e-21"],
  [4.364744178043231e-190, "4.3647441780432312e-190"],
  [-1.1716736366538285e-178, "-1.1716736366538285e-178"],
  [-8.668469325005819e-192, "-8.6684693250058191e-192"],
  [-3.1509203849176203e-26, "-3.1509203849176203e-26"],
  [1.9288458192620814e+154, "1.9288458192620814e+154"],
  [8.015989768125291e+170, "8.0159897681252912e+170"],
  [-8.123257701432702e+282, "-8.123257701432702e+282"],
  [-3.851004127278287e+126, "-3.8510041272782872e+126"],
  [-2.2377055278588727, "-2.2377055278588727"],
  [1.300278247498163e+225, "1.300278247498163e+225"],
  [2.836742864656339e-242, "2.836742864656339e-242"],
  [-2.0214962543137293e-249, "-2.0214962543137293e-249"],
  [-1.2092685412431202e-289, "-1.2092685412431202e-289"],
  [3.1204296328997698e+224, "3.1204296328997698e+224"],
  [1.6950981173637309e+192, "1.6950981173637309e+192"],
  [-3.372177193206575e+145, "-3.3721771932065748e+145"],
  [-1.060424372363129e+198, "-1.0604243723631289e+198"],
  [3.688105672572711e+68, "3.6881056725727112e+68"],
  [2.5113216016054808e+45, "2.5113216016054808e+45"],
  [-2.865385458874136e+303, "-2.8653854588741357e+303"],
  [2.8846310464609036e-239, "2.8846310464609036e-239"],
  [1.9815472193297457e-184, "1.9815472193297457e-184"],
  [2.0389280342262366e+197, "2.0389280342262366e+197"],
  [2.92899079068791e-288, "2.92899079068791e-288"],
  [5.978112690878942e+240, "5.9781126908789421e+240"],
  [1.2895001088432653e-36, "1.2895001088432653e-36"],
  [-1.0273851684378465e+157, "-1.0273851684378465e+157"],
  [7.336962903425539e-284, "7.3369629034255387e-284"],
  [2.1748472714416473e+138, "2.1748472714416473e+138"],
  [-9.521296295476887e+132, "-9.5212962954768873e+132"],
  [-1.1468909998183964e-71, "-1.1468909998183964e-71"],
  [2.2055307212926532e+248, "2.2055307212926532e+248"],
  [9.84313035973956e-249, "9.8431303597395598e-249"],
  [-2.7461239778758417e-233, "-2.7461239778758417e-233"],
  [3.7761177679166157e+198, "3.7761177679166157e+198"],
  [-1.2262313797314793e+145, "-1.2262313797314793e+145"],
  [-2.0152945244488557e-288, "-2.0152945244488557e-288"],
  [-2.0305496712127824e-131, "-2.0305496712127824e-131"],
  [-3.06099675714544e+29, "-3.0609967571454401e+29"],
  [-6.14828117911538e+182, "-6.1482811791153794e+182"],
  [2.1620332857382822e+304, "2.1620332857382822e+304"],
  [-2.7086604945998324e+26, "-2.7086604945998324e+26"],
  [-8.09945883242243e+42, "-8.0994588324224296e+42"],
  [-1.4433698750164208e-142, "-1.4433698750164208e-142"],
  [1.911495439412151e+200, "1.9114954394121511e+200"],
  [9.652833108011496e+134, "9.6528331080114965e+134"],
  [-4.654538238954082e-15, "-4.6545382389540821e-15"],
  [-5.390090226257682e-130, "-5.390090226257682e-130"],
  [-9.441494232010471e-67, "-9.4414942320104715e-67"],
  [-7.227454476313044e-13, "-7.2274544763130442e-13"],
  [-6.685546772347619e-154, "-6.6855467723476191e-154"],
  [-8.461991240271711e-203, "-8.4619912402717112e-203"],
  [2.0582706637416937e+112, "2.0582706637416937e+112"],
  [-4.0873516607163623e-286, "-4.0873516607163623e-286"],
  [-2.3573893524144916e-239, "-2.3573893524144916e-239"],
  [-2.9579216349289806e+271, "-2.9579216349289806e+271"],
  [3.0141283630568713e+170, "3.0141283630568713e+170"],
  [2.5854184147442452e+137, "2.5854184147442452e+137"],
  [4.600583437682017e+118, "4.6005834376820168e+118"],
  [5.231087813859249e+110, "5.2310878138592491e+110"],
  [-1.0218020150743285e-289, "-1.0218020150743285e-289"],
  [6.8711396675986e+28, "6.8711396675985996e+28"],
  [-1.1215130446703241e-227, "-1.1215130446703241e-227"],
  [6.352927661167129e+80, "6.3529276611671295e+80"],
  [5.665794758983158e+276, "5.6657947589831576e+276"],
  [-1.6599912278346566e+300, "-1.6599912278346566e+300"],
  [2.5007966608289622e+275, "2.5007966608289622e+275"],
  [-2.3266817639918825e+211, "-2.3266817639918825e+211"],
  [1.4944298666250568e+291, "1.4944298666250568e+291"],
  [-3.8043542128610393e+297, "-3.8043542128610393e+297"],
  [-1.3593966206586452e-25, "-1.3593966206586452e-25"],
  [-1.030555211864616e+294, "-1.030555211864616e+294"],
  [-4.189954635260499e-306, "-4.1899546352604991e-306"],
  [-3.455639028881831e+274, "-3.4556390288818308e+274"],
  [-1.3903712359934551e-261, "-1.3903712359934551e-261"],
  [4.745776778903215e+78, "4.7457767789032153e+78"],
  [-2.254237124610529e+230, "-2.254237124610529e+230"],
  [1.8927443454842384e+164, "1.8927443454842384e+164"],
  [1.3486077565717516e-117, "1.3486077565717516e-117"],
  [3.041600744846422e+258, "3.0416007448464221e+258"],
  [-6.994635352533435e-215, "-6.9946353525334352e-215"],
  [8.590495169854681e+241, "8.5904951698546812e+241"],
  [-0.000003182504752185196, "-3.182504752185196e-06"],
  [337917164899.4088, "337917164899.40881"],
  [5718029.825948179, "5718029.8259481788"],
  [-1.891286019235849e-12, "-1.8912860192358491e-12"],
  [481748820515.3495, "481748820515.34949"],
  [4799.567768350244, "4799.5677683502436"],
  [-1849.338528700173, "-1849.3385287001729"],
  [-4688495574.519038, "-4688495574.5190382"],
  [-522148823365.5691, "-522148823365.56909"],
  [-12732934.06702578, "-12732934.067025781"],
  [-2.715208560694009e-9, "-2.7152085606940091e-09"],
  [0.0008035266865044832, "0.00080352668650448319"],
  [-2830629828386008.5, "-2830629828386008.5"],
  [8.372256928123534e-10, "8.3722569281235343e-10"],
  [-2336.8595400825143, "-2336.8595400825143"],
  [3811730237.2120323, "3811730237.2120323"],
  [-27944779954850670, "-27944779954850672"],
  [-1.6227730712853374e-14, "-1.6227730712853374e-14"],
  [-0.00035551295545883477, "-0.00035551295545883477"],
  [2.2683694213628768e-12, "2.2683694213628768e-12"],
  [-2.7808424108661712e-14, "-2.7808424108661712e-14"],
  [1.984208272770047e-9, "1.9842082727700472e-09"],
  [4.3404384050518277e-16, "4.3404384050518277e-16"],
  [0.0000028155296156182887, "2.8155296156182887e-06"],
  [-3.5312853869982062e-15, "-3.5312853869982062e-15"],
  [-0.0004338585592340678, "-0.00043385855923406782"],
  [-3.9958862285129726e-14, "-3.9958862285129726e-14"],
  [3.5642698849551374e-21, "3.5642698849551374e-21"],
  [0.3985166873317212, "0.39851668733172119"],
  [4.509984855540097e-13, "4.5099848555400968e-13"],
  [-333036499796.43524, "-333036499796.43524"],
  [-1.5111874882131816e-11, "-1.5111874882131816e-11"],
  [-4922889440786.094, "-4922889440786.0938"],
  [-23583305.487409234, "-23583305.487409234"],
  [-67215948598459.36, "-67215948598459.359"],
  [-0.000004711630959063769, "-4.711630959063769e-06"],
  [-419581052847.2066, "-419581052847.2066"],
  [4.3380758492276074e-17, "4.3380758492276074e-17"],
  [-0.06360829225741327, "-0.063608292257413268"],
  [-2710980877745896.5, "-2710980877745896.5"],
  [-3495643328806912, "-3495643328806912"],
  [-401923159307.0592, "-401923159307.0592"],
  [64452.21390843904, "64452.213908439036"],
  [-51731.26715408384, "-51731.267154083842"],
  [-473398472028979.2, "-473398472028979.19"],
  [-382762377386393.6, "-382762377386393.62"],
  [225439608.5764096, "225439608.57640961"],
  [-4422740687716352, "-4422740687716352"],
  [-6895171597.76256, "-6895171597.7625599"],
  [-224556860047.36, "-224556860047.35999"],
  [4637694.0470272, "4637694.0470272005"],
  [-21908.8261480448, "-21908.826148044802"],
  [-561678068482048, "-561678068482048"],
  [786905024797.0815, "786905024797.08154"],
  [-514732310973.6448, "-514732310973.64478"],
  [-4597051.98575616, "-4597051.9857561598"],
  [1914827167498.24, "1914827167498.24"],
  [25168964841.63584, "25168964841.635841"],
  [-873985118.04416, "-873985118.04416001"],
  [23891.2445349888, "23891.2445349888"],
  [-398268.21742592, "-398268.21742592001"],
  [401474903133.3888, "401474903133.38879"],
  [319061059698.688, "319061059698.68799"],
  [856779345048.3712, "856779345048.37122"],
  [1909686188113920, "1909686188113920"],
  [40975.16714852352, "40975.16714852352"],
  [6517183536431.104, "6517183536431.1035"],
  [8995918432960512, "8995918432960512"],
  [-6316440.799936512, "-6316440.7999365116"],
  [-2109366442.3936, "-2109366442.3936"],
  [-83968619288985.6, "-83968619288985.594"],
  [8868871612137472, "8868871612137472"],
  [1894488.884641792, "1894488.8846417919"],
  [74022291599.52383, "74022291599.523834"],
  [457588428347801.6, "457588428347801.62"],
  [-3050470.971015168, "-3050470.9710151679"],
  [-538619880564.3264, "-538619880564.32642"],
  [22428.01584570368, "22428.015845703681"],
  [868562647803.4944, "868562647803.49438"],
  [-407516002176.2048, "-407516002176.20477"],
];

/**
 * An independent %.17g: exact binary-to-decimal conversion with BigInt, rounding
 * half to even as glibc does. Checked against glibc's output below.
 */
function referenceG17(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? "-" : "";
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & 0xfffffffffffffn;
  if (mantissa === 0n && biased === 0) return sign + "0";
  let exp2 = -1074;
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    exp2 = biased - 1075;
  }
  // |x| = num / den exactly.
  const num = exp2 >= 0 ? mantissa << BigInt(exp2) : mantissa;
  const den = exp2 >= 0 ? 1n : 1n << BigInt(-exp2);
  const pow10 = (k: number) => 10n ** BigInt(k);
  const atLeast = (k: number) => k >= 0 ? num >= pow10(k) * den : num * pow10(-k) >= den;
  // Decimal exponent: 10^exp10 <= |x| < 10^(exp10 + 1).
  let exp10 = Math.floor(Math.log10(Math.abs(x)));
  while (!atLeast(exp10)) exp10--;
  while (atLeast(exp10 + 1)) exp10++;
  // 17 significant digits, rounded half to even.
  let n = num;
  let d = den;
  if (16 - exp10 >= 0) n *= pow10(16 - exp10);
  else d *= pow10(exp10 - 16);
  let q = n / d;
  const twiceRest = (n % d) * 2n;
  if (twiceRest > d || (twiceRest === d && (q & 1n) === 1n)) q++;
  if (q === pow10(17)) {
    q = pow10(16);
    exp10++;
  }
  const digits = q.toString();
  if (exp10 < -4 || exp10 >= 17) {
    const frac = digits.slice(1).replace(/0+$/, "");
    const e = Math.abs(exp10);
    return `${sign}${digits[0]}${frac ? "." + frac : ""}e${exp10 < 0 ? "-" : "+"}${e < 10 ? "0" + e : e}`;
  }
  const intPart = exp10 >= 0 ? digits.slice(0, exp10 + 1) : "0";
  const frac = (exp10 >= 0 ? digits.slice(exp10 + 1) : "0".repeat(-exp10 - 1) + digits).replace(/0+$/, "");
  return sign + intPart + (frac ? "." + frac : "");
}

/** Finite doubles of every magnitude: random sign, exponent and mantissa bits. */
function randomBitsDouble(rnd: () => number): number {
  const view = new DataView(new ArrayBuffer(8));
  while (true) {
    view.setUint32(0, Math.floor(rnd() * 2 ** 32));
    view.setUint32(4, Math.floor(rnd() * 2 ** 32));
    const d = view.getFloat64(0);
    if (Number.isFinite(d)) return d;
  }
}

/** Doubles with few mantissa bits: short exact decimal expansions, often exact ties. */
function shortMantissaDouble(rnd: () => number): number {
  const bits = 1 + Math.floor(rnd() * 30);
  const m = Math.floor(rnd() * 2 ** bits) | 1;
  return (rnd() < 0.5 ? -1 : 1) * m * 2 ** (Math.floor(rnd() * 120) - 80);
}

Deno.test("formatDouble matches glibc %.17g on chosen values", () => {
  for (const [x, expected] of GLIBC_FIXED) {
    assert.equal(formatDouble(x), expected, `formatDouble(${x})`);
  }
});

Deno.test("formatDouble rounds exact halfway cases to even, as glibc's %.17g does", () => {
  for (const [x, expected] of GLIBC_TIES) {
    assert.equal(formatDouble(x), expected, `formatDouble(${x})`);
  }
});

Deno.test("formatDouble matches glibc %.17g on 200 hardcoded random doubles", () => {
  assert.equal(GLIBC_RANDOM.length, 200);
  const wrong = GLIBC_RANDOM.filter(([x, expected]) => formatDouble(x) !== expected)
    .map(([x, expected]) => `${x}: expected ${expected}, got ${formatDouble(x)}`);
  assert.deepEqual(wrong, []);
});

Deno.test("the BigInt reference %.17g used below agrees with glibc", () => {
  for (const [x, expected] of [...GLIBC_FIXED, ...GLIBC_TIES, ...GLIBC_RANDOM]) {
    assert.equal(referenceG17(x), expected, `referenceG17(${x})`);
  }
});

/** What every %.17g output must satisfy, whatever the rounding of ties. */
function checkShape(x: number, text: string): void {
  assert.equal(Number(text), x, `${text} does not round-trip to ${x}`);
  assert.equal(Object.is(Number(text), -0), Object.is(x, -0));
  const m = /^(-?)(\d)(?:\.(\d*[1-9]))?e([+-])(\d{2,3})$/.exec(text);
  const exp10 = Number((Math.abs(x)).toExponential(16).split("e")[1]);
  if (m !== null) {
    // Exponent form only outside [1e-4, 1e17), mantissa digits 1-17, no trailing zero.
    assert.ok(exp10 < -4 || exp10 >= 17, `${text}: exponent form for exponent ${exp10}`);
    assert.ok((m[3] ?? "").length <= 16, text);
  } else {
    assert.match(text, /^-?\d+(\.\d*[1-9])?$/, text);
    assert.ok(exp10 >= -4 && exp10 < 17, `${text}: fixed form for exponent ${exp10}`);
    const significant = text.replace(/^-?0*\.?0*/, "").replace(".", "");
    assert.ok(significant.length <= 17, `${text}: more than 17 significant digits`);
  }
}

Deno.test("formatDouble output round-trips and has %.17g's shape on 10,000 seeded random doubles", () => {
  const rnd = mulberry32(1337);
  for (let i = 0; i < 10_000; i++) {
    const x = i % 2 === 0 ? randomBitsDouble(rnd) : shortMantissaDouble(rnd);
    checkShape(x, formatDouble(x));
  }
});

Deno.test("formatDouble equals the exact %.17g on 10,000 seeded random-bit doubles", () => {
  const rnd = mulberry32(271828);
  const wrong: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    const x = randomBitsDouble(rnd);
    const expected = referenceG17(x);
    if (formatDouble(x) !== expected) wrong.push(`${x}: expected ${expected}, got ${formatDouble(x)}`);
  }
  assert.deepEqual(wrong, []);
});

Deno.test("formatDouble equals the exact %.17g on 10,000 seeded short-mantissa doubles", () => {
  const rnd = mulberry32(314159);
  const wrong: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    const x = shortMantissaDouble(rnd);
    const expected = referenceG17(x);
    if (formatDouble(x) !== expected) wrong.push(`${x}: expected ${expected}, got ${formatDouble(x)}`);
  }
  assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} of 10,000 differ`);
});

Deno.test("formatDouble prints integers exactly, as %.17g does, around 2^53 and 1e17 too", () => {
  const rnd = mulberry32(4242);
  const integers = [2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 2 ** 56, 1e16 + 2, 99999999999999984, 1e17, 2 ** 60];
  for (let i = 0; i < 10_000; i++) integers.push(Math.floor(rnd() * 2 ** (1 + Math.floor(rnd() * 62))));
  const wrong: string[] = [];
  for (const magnitude of integers) {
    for (const x of [magnitude, -magnitude]) {
      if (formatDouble(x) !== referenceG17(x)) {
        wrong.push(`${x}: expected ${referenceG17(x)}, got ${formatDouble(x)}`);
      }
    }
  }
  assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} differ`);
  assert.equal(formatDouble(2 ** 56), "72057594037927936");
  assert.equal(formatDouble(-12345), "-12345");
});

Deno.test("formatDouble prints short dyadic fractions, their neighbours and everyday scores as %.17g does", () => {
  const rnd = mulberry32(8080);
  const wrong: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    // m / 2^k: an exact decimal with k places, and the doubles either side of it.
    const k = Math.floor(rnd() * 60);
    const exact = Math.floor(rnd() * 2 ** Math.floor(rnd() * 50)) / 2 ** k;
    for (const x of [exact, nextUp(exact), -exact, exact * 1e-3, exact + 0.1]) {
      if (formatDouble(x) !== referenceG17(x)) {
        wrong.push(`${x}: expected ${referenceG17(x)}, got ${formatDouble(x)}`);
      }
    }
  }
  assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} differ`);
  // Everyday scores: between 1e-4 and 1e15, mostly with long binary fractions.
  for (let i = 0; i < 20_000; i++) {
    const x = (rnd() < 0.5 ? -1 : 1) * 10 ** (rnd() * 19 - 4) * (1 + rnd());
    if (formatDouble(x) !== referenceG17(x)) {
      wrong.push(`${x}: expected ${referenceG17(x)}, got ${formatDouble(x)}`);
    }
  }
  assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} differ`);
  assert.equal(formatDouble(2.5), "2.5");
  assert.equal(formatDouble(0.0001220703125), "0.0001220703125");
  assert.equal(formatDouble(1.1), "1.1000000000000001");
});

/** The next double above a finite non-negative x. */
function nextUp(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0);
}

Deno.test("addInt64 is exact over int64 and refuses overflow", () => {
  assert.equal(addInt64("41", 1), 42);
  assert.equal(addInt64("-5", -5), -10);
  assert.equal(addInt64("9007199254740991", 1), 9007199254740992n);
  assert.equal(addInt64("9223372036854775806", 1), 9223372036854775807n);
  assert.equal(addInt64("9223372036854775807", 1), null);
  assert.equal(addInt64("-9223372036854775808", -1), null);
  assert.equal(addInt64("-9223372036854775808", 9223372036854775807n), -1n);
  const random = mulberry32(7);
  for (let i = 0; i < 10_000; i++) {
    const a = BigInt(Math.floor((random() - 0.5) * 2 ** 53)) * BigInt(Math.floor(random() * 2048));
    const b = BigInt(Math.floor((random() - 0.5) * 2 ** 53)) * BigInt(Math.floor(random() * 2048));
    const sum = a + b;
    const fits = sum <= 9223372036854775807n && sum >= -9223372036854775808n;
    const actual = addInt64(String(a), b);
    assert.equal(actual === null ? null : BigInt(actual), fits ? sum : null, `${a} + ${b}`);
  }
});

// Expected values are glibc's strtod (value, end offset, errno == ERANGE).
Deno.test("strtod converts the longest prefix C's strtod does and flags ERANGE", () => {
  const cases: [string, number, number, boolean][] = [
    ["1.5", 1.5, 3, false],
    ["  -2e3", -2000, 6, false],
    ["\t+.5", 0.5, 4, false],
    ["1.", 1, 2, false],
    ["12abc", 12, 2, false],
    ["1e", 1, 1, false],
    ["1e+", 1, 1, false],
    ["0x1A", 26, 4, false],
    ["0x1.8p1", 3, 7, false],
    ["0x", 0, 1, false],
    ["-inf", -Infinity, 4, false],
    ["Infinity", Infinity, 8, false],
    ["infin", Infinity, 3, false],
    ["1e400", Infinity, 5, true],
    ["-1e400", -Infinity, 6, true],
    ["1e-400", 0, 6, true],
    ["4e-320", 4e-320, 6, true],
    ["0e-400", 0, 6, false],
    ["", 0, 0, false],
    [" ", 0, 0, false],
    ["abc", 0, 0, false],
    ["-", 0, 0, false],
    ["0x.8", 0.5, 4, false],
    ["2.2250738585072014e-308", 2.2250738585072014e-308, 23, false],
    ["2.2250738585072011e-308", 2.225073858507201e-308, 23, true],
    // Short runs of digits take a fast path; leading zeros are decimal, as in C.
    ["000000012345", 12345, 12, false],
    ["-0", -0, 2, false],
    ["-007", -7, 4, false],
    ["999999999999999", 999999999999999, 15, false],
    ["12345678901234567", 12345678901234568, 17, false],
    ["0123x", 123, 4, false],
    // So do plain decimals up to 40 characters.
    ["1.25", 1.25, 4, false],
    ["-.5", -0.5, 3, false],
    [".", 0, 0, false],
    ["-.", 0, 0, false],
    ["5.", 5, 2, false],
    ["0.1", 0.1, 3, false],
    ["-0.0", -0, 4, false],
    ["1.5.2", 1.5, 3, false],
    ["1-2", 1, 1, false],
    ["--1", 0, 0, false],
    ["3.14159265358979323846", 3.141592653589793, 22, false],
    ["0.0000000000000000000000000000000000001", 1.0000000000000001e-37, 39, false],
    ["1234567890123456789012345678901234567890", 1.2345678901234568e+39, 40, false],
    ["12345678901234567890123456789012345678901", 1.2345678901234568e+40, 41, false],
  ];
  for (const [text, value, end, range] of cases) {
    assert.deepEqual(strtod(text), { value, end, range }, JSON.stringify(text));
  }
  const nan = strtod("nan(123)x");
  assert.ok(Number.isNaN(nan.value));
  assert.equal(nan.end, 8);
});

Deno.test("strtod reads random plain decimals as a correctly rounding parser does", () => {
  // Number rounds correctly, as glibc's strtod does: the two must agree on every one.
  const rnd = mulberry32(2024);
  const digits = (n: number) => Array.from({ length: n }, () => String(Math.floor(rnd() * 10))).join("");
  for (let i = 0; i < 200_000; i++) {
    const whole = digits(Math.floor(rnd() * 12));
    const fraction = rnd() < 0.8 ? "." + digits(Math.floor(rnd() * 18)) : "";
    const text = (rnd() < 0.3 ? "-" : "") + whole + fraction;
    if (!/[0-9]/.test(text)) continue;
    const { value, end, range } = strtod(text);
    assert.ok(Object.is(value, Number(text)) && end === text.length && !range, text);
  }
});

Deno.test("printfFixed rounds exact ties to even, as glibc's %.Nf", () => {
  const cases: [number, number, string][] = [
    [28.125, 2, "28.12"],
    [15.625, 2, "15.62"],
    [0.375, 2, "0.38"],
    [1.4, 2, "1.40"],
    [2, 2, "2.00"],
    [6.25, 2, "6.25"],
    [-0.125, 2, "-0.12"],
    [0.1, 2, "0.10"],
    [0.0000005, 6, "0.000000"],
    [0.0000015, 6, "0.000002"],
    [-0, 2, "-0.00"],
  ];
  for (const [d, digits, text] of cases) assert.equal(printfFixed(d, digits), text, `${d} %.${digits}f`);
});

Deno.test("atoi reads leading blanks, a sign and digits, and stops at anything else", () => {
  assert.equal(atoi("6379"), 6379);
  assert.equal(atoi("  -12abc"), -12);
  assert.equal(atoi("+7"), 7);
  assert.equal(atoi("x1"), 0);
  assert.equal(atoi(""), 0);
  assert.equal(atoi("99999"), 99999);
  // An int: what overflows wraps, as the conversion glibc's atoi does in practice.
  assert.equal(atoi("4294967297"), 1);
});
