// Differential tests: every case runs the same request through the same stand-in Atlas twice,
// once with the real curl (`curl -H 'Authorization: Bearer test-token' URL`) and once with
// `mom curl PATH`, and compares exit codes, output bytes and what the server received, after
// normalising only what must differ (user agent, timings, the redacted credential, `curl:`).
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect, createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

import { mom } from '../helpers/mom.js'
import {
  startStandInAtlas,
  type ReceivedRequest,
  type StandInAtlas,
} from '../helpers/stand-in-atlas.js'

const CURL = '/usr/bin/curl'
const hasCurl = existsSync(CURL)
const hasOpenssl = existsSync('/usr/bin/openssl')

interface Case {
  name: string
  /** curl's arguments without the URL; `{URL}` stands for it (else it goes last). */
  args: string[]
  /** Under /v1/apis/http/stub; a function when it needs the stand-in's address. */
  route: string | (() => string)
  stdin?: string
  /** Output files (relative to the working folder) whose bytes must match. */
  files?: string[]
  /** Compare stderr too (after normalising); curl's first line only, for its multi-line errors. */
  stderr?: boolean | 'first-line'
  /** Compare what the server received (default true). */
  received?: boolean
  code: number
  /** For error cases: the URL curl gets, and the base URL and path mom gets instead. */
  curlUrl?: () => string
  momBase?: () => string
  momPath?: string
  tls?: boolean
}

const S = '/v1/apis/http/stub'
let closedPort = 0
let hanging: HangingListener | undefined

/** A request to a listener whose backlog is full, so the TCP connect hangs: curl exit 28. */
function hangingCase(name: string, args: string[]): Case {
  return {
    name,
    args: ['-sS', ...args],
    route: '',
    momPath: '/x',
    curlUrl: () => `http://127.0.0.1:${hanging!.port}/x`,
    momBase: () => `http://127.0.0.1:${hanging!.port}`,
    stderr: true,
    received: false,
    code: 28,
  }
}

/** A request to a port nothing listens on: curl exit 7, nothing received. */
function closedPortCase(name: string, args: string[], extra: Partial<Case> = {}): Case {
  return {
    name,
    args,
    route: '',
    momPath: '/x',
    curlUrl: () => `http://127.0.0.1:${closedPort}/x`,
    momBase: () => `http://127.0.0.1:${closedPort}`,
    received: false,
    code: 7,
    ...extra,
  }
}

const cases: Case[] = [
  { name: 'a plain GET', args: [], route: '/json', code: 0 },
  { name: '-i prints the status line and headers', args: ['-i'], route: '/status/404', code: 0 },
  { name: '-I sends HEAD and prints the headers', args: ['-I'], route: '/json', code: 0 },
  { name: '--head -s', args: ['--head', '-s'], route: '/status/204', code: 0 },
  { name: '-X PUT', args: ['-X', 'PUT'], route: '/status/200', code: 0 },
  { name: 'abbreviated long options', args: ['--sil', '--inc'], route: '/json', code: 0 },
  {
    name: '-I -X GET prints only the headers',
    args: ['-s', '-I', '-X', 'GET', '-w', '%{size_download}\\n'],
    route: '/json',
    code: 0,
  },
  { name: '-XDELETE', args: ['-XDELETE'], route: '/status/200', code: 0 },
  {
    name: '--request=PATCH is not curl syntax',
    args: ['--request=PATCH'],
    route: '/status/200',
    received: false,
    code: 2,
  },
  {
    name: '-H adds, replaces, removes and empties headers',
    args: [
      '-H',
      'X-One: 1',
      '-H',
      'Accept: text/x',
      '-H',
      'User-Agent:',
      '-H',
      'X-Empty;',
      '-H',
      'X-Two:  spaced  ',
    ],
    route: '/status/200',
    code: 0,
  },
  {
    name: '-H Host replaces the Host header',
    args: ['-H', 'Host: example.test'],
    route: '/status/200',
    code: 0,
  },
  {
    name: 'two -d are joined with &',
    args: ['-d', 'a=1', '-d', 'b=2'],
    route: '/status/200',
    code: 0,
  },
  {
    name: '-d @file strips CR, LF and NUL',
    args: ['-d', '@crlf.txt'],
    route: '/status/200',
    code: 0,
  },
  {
    name: '-d @body.json (FIELD-CASES 11)',
    args: ['-d', '@body.json'],
    route: '/status/200',
    code: 0,
  },
  {
    name: '--data-binary @file is exact',
    args: ['--data-binary', '@crlf.txt'],
    route: '/status/200',
    code: 0,
  },
  {
    name: '--data-raw @file is literal',
    args: ['--data-raw', '@body.json'],
    route: '/status/200',
    code: 0,
  },
  { name: '--data-ascii', args: ['--data-ascii', 'x=1'], route: '/status/200', code: 0 },
  {
    name: '--data-urlencode in all five forms',
    args: [
      '--data-urlencode',
      'a b',
      '--data-urlencode',
      '=c d&',
      '--data-urlencode',
      'n=v w&',
      '--data-urlencode',
      'n@f.txt',
      '--data-urlencode',
      '@f.txt',
    ],
    route: '/status/200',
    code: 0,
  },
  {
    name: '-d @- reads stdin and strips newlines',
    args: ['-d', '@-'],
    route: '/status/200',
    stdin: '{\n  "name": "heroku"\n}\n',
    code: 0,
  },
  {
    name: '--data-binary @- reads stdin exactly',
    args: ['--data-binary', '@-'],
    route: '/status/200',
    stdin: 'a\r\nb\n',
    code: 0,
  },
  { name: '--json literal', args: ['--json', '{"a":1}'], route: '/status/200', code: 0 },
  { name: '--json @file', args: ['--json', '@body.json'], route: '/status/200', code: 0 },
  {
    name: '--json with a custom Content-Type',
    args: ['-H', 'Content-Type: text/x', '--json', '[1]'],
    route: '/status/200',
    code: 0,
  },
  {
    name: '-G moves the data into the query',
    args: ['-G', '-d', 'a=1', '-d', 'b=2'],
    route: '/status/200?x=1',
    code: 0,
  },
  {
    name: '-I -G -d sends HEAD with a query',
    args: ['-I', '-G', '-d', 'a=1'],
    route: '/json',
    code: 0,
  },
  {
    name: '-F builds multipart/form-data',
    args: [
      '-F',
      'a=1',
      '-F',
      'b=@f.txt',
      '-F',
      'c=<f.txt',
      '-F',
      'd=@f.bin;type=text/x-mine',
      '-F',
      'e=v;type=text/plain',
      '--form-string',
      'g=@literal',
    ],
    route: '/status/200',
    code: 0,
  },
  {
    name: '-o writes the body to a file',
    args: ['-sS', '-o', 'out.json'],
    route: '/json',
    files: ['out.json'],
    code: 0,
  },
  {
    name: '-o with an empty body creates an empty file',
    args: ['-sS', '-o', 'empty.txt'],
    route: '/status/204',
    files: ['empty.txt'],
    code: 0,
  },
  { name: '-D - writes the headers to stdout', args: ['-D', '-'], route: '/json', code: 0 },
  {
    name: '-D file and -o file',
    args: ['-s', '-D', 'h.txt', '-o', 'b.txt'],
    route: '/login',
    files: ['h.txt', 'b.txt'],
    code: 0,
  },
  {
    name: '-i with -o puts both in the file',
    args: ['-s', '-i', '-o', 'all.txt'],
    route: '/json',
    files: ['all.txt'],
    code: 0,
  },
  { name: '-v prints the exchange', args: ['-sv'], route: '/json', stderr: true, code: 0 },
  {
    name: '-v with a POST body',
    args: ['-sv', '-d', 'x=1'],
    route: '/status/201',
    stderr: true,
    code: 0,
  },
  {
    name: '-v with -f stops at the error',
    args: ['-sSv', '-f'],
    route: '/status/404',
    stderr: true,
    code: 22,
  },
  {
    name: '-v follows a redirect on the same connection',
    args: ['-sv', '-L'],
    route: `/redirect/302?to=${S}/json`,
    stderr: true,
    code: 0,
  },
  { name: '-v on an empty reply', args: ['-sSv'], route: '/empty', stderr: true, code: 52 },
  {
    name: '-v when -m runs out',
    args: ['-sSv', '-m', '1'],
    route: '/slow',
    stderr: true,
    code: 28,
  },
  {
    name: '-v at the redirect limit',
    args: ['-sSv', '-L', '--max-redirs', '0'],
    route: `/redirect/302?to=${S}/json`,
    stderr: true,
    code: 47,
  },
  closedPortCase('-v on a closed port', ['-sSv'], { stderr: true }),
  {
    name: 'the progress meter for a GET into a pipe',
    args: [],
    route: '/json',
    stderr: true,
    code: 0,
  },
  {
    name: 'the progress meter for a POST',
    args: ['-d', 'x=1'],
    route: '/status/200',
    stderr: true,
    code: 0,
  },
  { name: 'the progress meter for -I', args: ['-I'], route: '/json', stderr: true, code: 0 },
  {
    name: 'the progress meter with -o',
    args: ['-o', 'm.json'],
    route: '/json',
    stderr: true,
    code: 0,
  },
  {
    name: 'the progress meter on every redirect hop',
    args: ['-L'],
    route: `/redirect/302?to=${S}/json`,
    stderr: true,
    code: 0,
  },
  {
    name: 'the progress meter with -f',
    args: ['-f'],
    route: '/status/404',
    stderr: true,
    code: 22,
  },
  { name: 'the progress meter with -v', args: ['-v'], route: '/json', stderr: true, code: 0 },
  {
    name: 'the progress meter across a retry',
    args: ['--retry', '1', '-o', 'rm.txt'],
    route: '/flaky?key=meter',
    stderr: true,
    code: 0,
  },
  {
    name: 'the progress meter for a larger download',
    args: ['-o', 'big.bin'],
    route: '/big/2',
    stderr: true,
    code: 0,
  },
  {
    name: '-f exits 22 with an error line',
    args: ['-f', '--no-progress-meter'],
    route: '/status/404',
    stderr: true,
    code: 22,
  },
  { name: '-sf exits 22 silently', args: ['-sf'], route: '/status/404', stderr: true, code: 22 },
  { name: '-sSf shows the error', args: ['-sSf'], route: '/status/500', stderr: true, code: 22 },
  {
    name: '-f -i prints the headers but no body',
    args: ['-s', '-f', '-i'],
    route: '/status/404',
    code: 22,
  },
  { name: '-f on a success', args: ['-sSf'], route: '/json', stderr: true, code: 0 },
  {
    name: '--fail-with-body prints the body',
    args: ['-sS', '--fail-with-body'],
    route: '/status/500',
    stderr: true,
    code: 22,
  },
  { name: 'a redirect is not followed without -L', args: ['-sS'], route: '/redirect/302', code: 0 },
  { name: '-L follows a 302', args: ['-sS', '-L'], route: `/redirect/302?to=${S}/json`, code: 0 },
  {
    name: '-L -i prints every hop',
    args: ['-sS', '-L', '-i'],
    route: `/redirect/301?to=${S}/json`,
    code: 0,
  },
  {
    name: '-L -I follows with HEAD',
    args: ['-sS', '-L', '-I'],
    route: `/redirect/303?to=${S}/json`,
    code: 0,
  },
  {
    name: '-L turns a POST into GET after 303',
    args: ['-sS', '-L', '-d', 'x'],
    route: `/redirect/303?to=${S}/status/200`,
    code: 0,
  },
  {
    name: '-L keeps POST and body after 307',
    args: ['-sS', '-L', '-d', 'x'],
    route: `/redirect/307?to=${S}/status/200`,
    code: 0,
  },
  {
    name: '-L keeps -X PUT and body after 308',
    args: ['-sS', '-L', '-X', 'PUT', '-d', 'x'],
    route: `/redirect/308?to=${S}/status/200`,
    code: 0,
  },
  {
    name: '-L -X PUT after 303 keeps PUT without body',
    args: ['-sS', '-L', '-X', 'PUT', '-d', 'x'],
    route: `/redirect/303?to=${S}/status/200`,
    code: 0,
  },
  {
    name: '-L -X POST loops to the limit (FIELD-CASES 13a)',
    args: ['-sS', '-L', '-X', 'POST', '-d', 'x'],
    route: '/submit',
    stderr: true,
    code: 47,
  },
  {
    name: '-L -d switches to GET (FIELD-CASES 13b)',
    args: ['-sS', '-L', '-d', 'x'],
    route: '/submit',
    stderr: true,
    code: 0,
  },
  {
    name: '--max-redirs 3 (FIELD-CASES 13c)',
    args: ['-sS', '-L', '--max-redirs', '3', '-X', 'POST', '-d', 'x'],
    route: '/submit',
    stderr: true,
    code: 47,
  },
  {
    name: '--max-redirs 0',
    args: ['-sS', '-L', '--max-redirs', '0'],
    route: `/redirect/302?to=${S}/json`,
    stderr: true,
    code: 47,
  },
  {
    name: '-L to another host drops the credential and cookies',
    args: ['-sS', '-L', '-H', 'Cookie: a=1', '-b', 'b=2'],
    route: () => `/redirect/302?to=http://localhost:${atlas.port}/v1/apis/http/stub/json`,
    code: 0,
  },
  {
    name: '-L with -o writes only the last body',
    args: ['-sS', '-L', '-o', 'final.json'],
    route: `/redirect/302?to=${S}/json`,
    files: ['final.json'],
    code: 0,
  },
  {
    name: '-w with the common variables and escapes',
    args: [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code} %{response_code} %{content_type} %{size_download} %{url_effective}\\n\\t%%\\x %{num_redirects} %{method}\\r\\n',
    ],
    route: '/login',
    code: 0,
  },
  {
    name: '-w %{header_json} keeps Set-Cookie apart',
    args: ['-sS', '-o', '/dev/null', '-w', '%{header_json}'],
    route: '/login',
    code: 0,
  },
  {
    name: '-w %{stderr} switches streams',
    args: ['-sS', '-o', '/dev/null', '-w', 'out%{stderr}err\\n%{stdout}back'],
    route: '/json',
    stderr: true,
    code: 0,
  },
  {
    name: '-w %{time_total}',
    args: ['-sS', '-o', '/dev/null', '-w', 'T=%{time_total}'],
    route: '/json',
    code: 0,
  },
  {
    name: '-w after a redirect',
    args: ['-sS', '-L', '-o', '/dev/null', '-w', '%{http_code} %{url_effective} %{num_redirects}'],
    route: `/redirect/302?to=${S}/json`,
    code: 0,
  },
  {
    name: '-w %{size_download} with -I',
    args: ['-s', '-I', '-w', '%{size_download}\\n'],
    route: '/json',
    code: 0,
  },
  {
    name: '-w with an unknown variable warns',
    args: ['-sS', '-o', '/dev/null', '-w', '%{nope}x'],
    route: '/json',
    stderr: true,
    code: 0,
  },
  {
    name: '-w prints a tab for \\t and keeps other backslash pairs',
    args: ['-sS', '-o', '/dev/null', '-w', '\\t|\\a\\b\\f\\v\\\\\\%|'],
    route: '/json',
    code: 0,
  },
  {
    name: '-w @file keeps each line only up to its CR or LF',
    args: ['-sS', '-o', '/dev/null', '-w', '@wf.txt'],
    route: '/json',
    code: 0,
  },
  {
    name: '-w @- reads the format from stdin the same way',
    args: ['-sS', '-o', '/dev/null', '-w', '@-'],
    stdin: '%{http_code}\n|\n',
    route: '/json',
    code: 0,
  },
  {
    name: '-w %header{name} prints the first value of that header',
    args: [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%header{set-cookie}|%header{CONTENT-TYPE}|%header{nope}|%header{x',
    ],
    route: '/login',
    code: 0,
  },
  {
    name: '-w %{num_headers} %{size_request} %{urlnum} %{url}',
    // The same user agent on both sides, so the request sizes agree.
    args: [
      '-sS',
      '-A',
      'agent/1',
      '-o',
      '/dev/null',
      '-d',
      'a=1',
      '-w',
      '%{num_headers} %{size_request} %{urlnum} %{url}',
    ],
    route: '/json',
    code: 0,
  },
  ...['b=x y', 'b=x\ty', 'b=x\x7fy', 'b=\x01'].map((data): Case => ({
    name: `-G refuses a URL with a control byte or space in its query (${JSON.stringify(data)})`,
    args: ['-sS', '-G', '-d', data],
    route: '/status/200',
    stderr: true,
    received: false,
    code: 3,
  })),
  ...['b=x"y', 'b=<>{}|^`\\', 'b=#frag', 'b=%zz&c=%41'].map((data): Case => ({
    name: `-G sends the query bytes as given (${JSON.stringify(data)})`,
    args: ['-sS', '-G', '-d', data, '-d', 'z=1'],
    route: '/status/200?a=1',
    code: 0,
  })),
  {
    name: '-G with --data-urlencode encodes the space',
    args: ['-sS', '-G', '--data-urlencode', 'b=x y', '-w', '%{url_effective}'],
    route: '/status/200',
    code: 0,
  },
  ...[
    ['--retry', '-1'],
    ['--retry', 'x'],
    ['--retry', '1.5'],
    ['--retry', ''],
    ['--retry', '3x'],
    ['--retry', '0x1'],
    ['--retry', '99999999999999999999'],
    ['--retry-delay', '-1'],
    ['--retry-delay', '1.5'],
    ['-m', '-1'],
    ['-m', 'x'],
    ['-m', '1.5.5'],
    ['-m', 'inf'],
    ['-m', '1e99'],
    ['--connect-timeout', '-1'],
    ['--connect-timeout', '-0x10'],
    ['--max-redirs', '-2'],
    ['--max-redirs', 'x'],
  ].map((args): Case => ({
    name: `a bad number is refused in curl's words (${args.join(' ')})`,
    args: ['-sS', ...args],
    route: '/json',
    stderr: 'first-line',
    received: false,
    code: 2,
  })),
  ...[
    ['--retry', ' +1'],
    ['--retry', '-0'],
    ['--max-redirs', '-1'],
    ['-m', '1e1'],
    ['-m', '0x10'],
    ['-m', ' +5.'],
    ['--connect-timeout', '-0'],
    ['-m', '0', '--connect-timeout', '0'],
  ].map((args): Case => ({
    name: `a number curl reads is accepted (${args.join(' ')})`,
    args: ['-sS', ...args],
    route: '/json',
    code: 0,
  })),
  {
    name: "-e ';auto' sends no Referer first, then the URL each redirect came from",
    args: ['-sS', '-L', '-e', ';auto', '-H', 'Accept: text/plain'],
    route: `/redirect/302?to=${S}/redirect/307?to=${S}/json`,
    code: 0,
  },
  {
    name: "-e 'URL;auto' sends URL first, then the URL each redirect came from",
    args: ['-sS', '-L', '--compressed', '-e', 'http://from.example/page;auto'],
    route: `/redirect/301?to=${S}/json`,
    code: 0,
  },
  {
    name: "-e ';auto' without -L sends no Referer",
    args: ['-sS', '-e', ';auto'],
    route: `/redirect/302?to=${S}/json`,
    code: 0,
  },
  {
    name: '-G --json keeps the JSON Content-Type and Accept headers',
    args: ['-sS', '-G', '--json', '{"a":1}'],
    route: '/status/200',
    code: 0,
  },
  {
    name: '--cacert naming a missing file changes nothing over http',
    args: ['-sS', '--cacert', 'missing.pem'],
    route: '/json',
    code: 0,
  },
  closedPortCase('-w on a failed connection', [
    '-s',
    '-w',
    '%{http_code}|%{header_json}|%{size_download}',
  ]),
  closedPortCase('-w comes after the error line', ['-sS', '-w', 'W%{stderr}X\\n'], {
    stderr: true,
  }),
  {
    name: '-w with -f on an HTTP error',
    args: ['-sS', '-f', '-w', '%{http_code} %{exitcode}\\n'],
    route: '/status/503',
    stderr: true,
    code: 22,
  },
  {
    name: '-A, -e and -b',
    args: ['-A', 'agent/1', '-e', 'http://ref.example/', '-b', 'a=1; b=2', '-b', 'c=3'],
    route: '/status/200',
    code: 0,
  },
  { name: '-A "" sends no User-Agent', args: ['-A', ''], route: '/status/200', code: 0 },
  {
    name: '--compressed decodes gzip, -w counts received bytes (FIELD-CASES 17)',
    args: ['-sS', '--compressed', '-w', '\\n%{size_download}\\n'],
    route: '/export',
    code: 0,
  },
  {
    name: '--compressed decodes deflate',
    args: ['-sS', '--compressed'],
    route: '/deflate',
    code: 0,
  },
  { name: '--compressed decodes br', args: ['-sS', '--compressed'], route: '/br', code: 0 },
  {
    name: 'without --compressed the bytes stay encoded',
    args: ['-sS', '-o', 'raw.gz'],
    route: '/export',
    files: ['raw.gz'],
    code: 0,
  },
  {
    name: '-m times out (exit 28)',
    args: ['-sS', '-m', '1'],
    route: '/slow',
    stderr: true,
    code: 28,
  },
  {
    name: '--connect-timeout on a reachable Atlas',
    args: ['-sS', '--connect-timeout', '5'],
    route: '/json',
    code: 0,
  },
  {
    name: '--retry retries a 503',
    args: ['--no-progress-meter', '--retry', '1'],
    route: '/flaky?key=r',
    stderr: true,
    code: 0,
  },
  {
    name: '--retry with -o throws the failed body away',
    args: ['--no-progress-meter', '--retry', '1', '-o', 'r.txt'],
    route: '/flaky?key=o',
    stderr: true,
    files: ['r.txt'],
    code: 0,
  },
  { name: 'an empty reply is exit 52', args: ['-sS'], route: '/empty', stderr: true, code: 52 },
  closedPortCase('a closed port is exit 7', ['-sS'], { stderr: true }),
  closedPortCase('the progress meter on a closed port', [], { stderr: true }),
  {
    name: 'a malformed URL is exit 3',
    args: ['-sS'],
    route: '',
    momPath: '/x',
    curlUrl: () => 'http://127.0.0.1:99999/x',
    momBase: () => 'http://127.0.0.1:99999',
    stderr: true,
    received: false,
    code: 3,
  },
  {
    name: 'a space in the path is exit 3',
    args: ['-sS'],
    route: '/a b',
    stderr: true,
    received: false,
    code: 3,
  },
  {
    name: 'an unreadable -F @file is exit 26',
    args: ['-sS', '-F', 'a=@missing.txt'],
    route: '/status/200',
    stderr: true,
    code: 26,
  },
  {
    name: 'an unwritable -o is exit 23',
    args: ['-sS', '-o', 'no/such/dir/out'],
    route: '/json',
    stderr: true,
    code: 23,
  },
  {
    name: '-ksX POST -d k=v (FIELD-CASES 16a)',
    args: ['-ksX', 'POST', '-d', 'k=v'],
    route: '/status/200',
    code: 0,
  },
  {
    name: '-sSfL -o out.json (FIELD-CASES 16b)',
    args: ['-sSfL', '-o', 'out.json'],
    route: '/json',
    files: ['out.json'],
    stderr: true,
    code: 0,
  },
  {
    name: '-XPUT -dk=v (FIELD-CASES 16c)',
    args: ['-XPUT', '-dk=v'],
    route: '/status/200',
    code: 0,
  },
  {
    name: '-d with a value that starts with a dash',
    args: ['-d', '-x'],
    route: '/status/200',
    code: 0,
  },
  { name: '--url names the URL', args: ['-s', '--url', '{URL}'], route: '/json', code: 0 },
  { name: 'options after the URL', args: ['{URL}', '-s', '-i'], route: '/json', code: 0 },
  { name: '-- ends the options', args: ['-s', '--', '{URL}'], route: '/json', code: 0 },
  { name: '-k over http changes nothing', args: ['-sk'], route: '/json', code: 0 },
  {
    name: 'https without -k fails verification (exit 60)',
    args: ['-sS'],
    route: '/json',
    tls: true,
    stderr: 'first-line',
    received: false,
    code: 60,
  },
  { name: 'https with -k', args: ['-sS', '-k'], route: '/json', tls: true, code: 0 },
  {
    name: 'https with --cacert',
    args: ['-sS', '--cacert', 'cert.pem'],
    route: '/json',
    tls: true,
    code: 0,
  },
  {
    name: 'https with an unreadable --cacert is exit 77',
    args: ['-sS', '--cacert', 'missing.pem'],
    route: '/json',
    tls: true,
    stderr: true,
    received: false,
    code: 77,
  },
]

const hangingCases: Case[] = [
  hangingCase('-m ends a connect that hangs', ['-m', '1']),
  hangingCase('--connect-timeout ends a connect that hangs', ['--connect-timeout', '1']),
  hangingCase('-v shows a connect timeout as curl does', ['-v', '--connect-timeout', '1']),
  hangingCase('-v shows -m ending a connect as curl does', ['-v', '-m', '1']),
]

let atlas: StandInAtlas
let tlsAtlas: StandInAtlas | undefined
let root: string
const inputs: Record<string, string | Buffer> = {
  'body.json': '{\n  "name": "heroku"\n}\n',
  'crlf.txt': Buffer.from('a=1\r\nb=2\n\0c\r\n'),
  'f.txt': 'hello\n',
  'f.bin': 'xx',
  'wf.txt': 'A%{http_code}\r\n\nB\rgone\nC\\n\n',
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mom-diff-'))
  atlas = await startStandInAtlas()
  closedPort = await findClosedPort()
  hanging = await startHangingListener()
  if (hasOpenssl) {
    await promisify(execFile)('/usr/bin/openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(root, 'key.pem'),
      '-out',
      join(root, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ])
    const key = await readFile(join(root, 'key.pem'), 'utf8')
    const cert = await readFile(join(root, 'cert.pem'), 'utf8')
    inputs['cert.pem'] = cert
    tlsAtlas = await startStandInAtlas({ key, cert })
  }
})

afterAll(async () => {
  hanging?.close()
  await atlas?.close()
  await tlsAtlas?.close()
  if (root) await rm(root, { recursive: true, force: true })
})

if (!hasCurl) {
  test.skip(`differential tests against curl are skipped: ${CURL} is absent`, () => {})
}

describe.runIf(hasCurl).concurrent('mom curl behaves like curl 7.88.1', () => {
  cases.forEach((c, index) => {
    const run = c.tls && !hasOpenssl ? test.skip : test
    run(c.name, async () => {
      const both = await runBoth(c, `case${index}`)

      expect({ code: both.mom.code, stdout: both.mom.stdout }).toEqual({
        code: both.curl.code,
        stdout: both.curl.stdout,
      })
      expect(both.mom.code).toBe(c.code)
      if (c.stderr === 'first-line')
        expect(both.mom.stderr).toBe(both.curl.stderr.split('\n')[0] + '\n')
      else if (c.stderr) expect(both.mom.stderr).toBe(both.curl.stderr)
      for (const file of c.files ?? []) expect(both.mom.files[file]).toEqual(both.curl.files[file])
      if (c.received !== false) {
        expect(both.mom.received).toEqual(both.curl.received)
        if (c.code === 0) expect(both.mom.received.length).toBeGreaterThan(0)
      }
      expect(both.mom.stderr).not.toContain('test-token')
    })
  })
})

describe.runIf(hasCurl).concurrent('mom curl ends a hanging connect as curl does', () => {
  hangingCases.forEach((c, index) => {
    test(c.name, async () => {
      const started = Date.now()
      const both = await runBoth(c, `hang${index}`)
      expect({ code: both.mom.code, stdout: both.mom.stdout, stderr: both.mom.stderr }).toEqual({
        code: both.curl.code,
        stdout: both.curl.stdout,
        stderr: both.curl.stderr,
      })
      expect(both.mom.code).toBe(28)
      // Both together, well before the kernel would give up on the connect (19 s or more).
      expect(Date.now() - started).toBeLessThan(9000)
    })
  })
})

test('mom curl -m exits about when the timeout fires, the error line written at once', async () => {
  const started = Date.now()
  let lineAt = 0
  const run = mom(['curl', '-sS', '-m', '1', '/x'], {
    env: {
      MOM_BASE_URL: `http://127.0.0.1:${hanging!.port}`,
      MOM_TOKEN: 'test-token',
      MOM_CONFIG_DIR: join(root, 'hang-config'),
    },
  })
  run.stderr?.once('data', () => (lineAt = Date.now() - started))
  const result = await run
  const total = Date.now() - started
  expect(result.exitCode).toBe(28)
  expect(result.stderr).toMatch(/^mom: \(28\) Connection timed out after \d+ milliseconds\n$/)
  expect(lineAt).toBeGreaterThan(900)
  expect(total).toBeLessThan(5000)
  expect(total - lineAt).toBeLessThan(1500)
})

describe.runIf(hasCurl)('mom curl -w %{json}', () => {
  test('holds the variables mom knows with the values and order curl gives them', async () => {
    const c: Case = {
      name: 'json',
      args: ['-sS', '-A', 'agent/1', '-o', '/dev/null', '-w', '%{json}'],
      route: '/login',
      code: 0,
    }
    const both = await runBoth(c, 'json')
    const mine = JSON.parse(both.mom.stdout) as Record<string, unknown>
    const theirs = JSON.parse(both.curl.stdout) as Record<string, unknown>
    const known = Object.keys(theirs).filter((key) => key in mine)
    expect(Object.keys(mine)).toEqual(known)
    const sameAs = (json: Record<string, unknown>) =>
      Object.fromEntries(
        known.map((key) => [key, key === 'time_total' ? typeof json[key] : json[key]]),
      )
    expect(sameAs(mine)).toEqual(sameAs(theirs))
  })
})

interface HangingListener {
  port: number
  close(): void
}

/**
 * A loopback listener that never accepts, its backlog filled, so a new connect stays in SYN-SENT.
 * It lives in a child process whose event loop is blocked, because Node accepts on its own.
 */
async function startHangingListener(): Promise<HangingListener> {
  const script = `
    const net = require('node:net')
    const server = net.createServer()
    server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
      process.stdout.write(server.address().port + '\\n')
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120000)
    })`
  const child = execa(process.execPath, ['-e', script], { reject: false })
  const port = await new Promise<number>((resolve) =>
    child.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))),
  )
  const fillers: Socket[] = []
  // Node reads a backlog of 0 as its default of 511; with 1 the kernel queues two at most.
  for (let i = 0; i < 8; i++) {
    const socket = connect(port, '127.0.0.1')
    socket.on('error', () => {})
    fillers.push(socket)
  }
  await new Promise((resolve) => setTimeout(resolve, 200))
  return {
    port,
    close() {
      for (const socket of fillers) socket.destroy()
      child.kill()
    },
  }
}

interface Side {
  code: number
  stdout: string
  stderr: string
  files: Record<string, Buffer | undefined>
  received: NormalRequest[]
}

async function runBoth(c: Case, id: string): Promise<{ curl: Side; mom: Side }> {
  const server = c.tls ? tlsAtlas! : atlas
  const base = `${server.url}/c/${id}`
  const curlDir = join(root, id, 'curl')
  const momDir = join(root, id, 'mom')
  for (const dir of [curlDir, momDir]) {
    await mkdir(dir, { recursive: true })
    for (const [name, content] of Object.entries(inputs)) await writeFile(join(dir, name), content)
  }

  const route = typeof c.route === 'function' ? c.route() : c.route
  const curlUrl = c.curlUrl ? c.curlUrl() : base + S + route
  const momPath = c.momPath ?? S + route
  const place = (args: string[], url: string) =>
    args.includes('{URL}') ? args.map((a) => (a === '{URL}' ? url : a)) : [...args, url]

  const curlRun = await execa(
    CURL,
    ['-H', 'Authorization: Bearer test-token', ...place(c.args, curlUrl)],
    {
      cwd: curlDir,
      reject: false,
      stripFinalNewline: false,
      input: c.stdin ?? '',
      env: { HOME: curlDir },
      extendEnv: false,
    },
  )
  const curlReceived = server.receivedFor(id).length
  const momRun = await mom(['curl', ...place(c.args, momPath)], {
    cwd: momDir,
    input: c.stdin ?? '',
    env: {
      MOM_BASE_URL: c.momBase ? c.momBase() : base,
      MOM_TOKEN: 'test-token',
      MOM_CONFIG_DIR: join(momDir, 'config'),
    },
  })
  const all = server.receivedFor(id)

  const side = async (
    run: typeof curlRun,
    dir: string,
    received: ReceivedRequest[],
  ): Promise<Side> => ({
    code: run.exitCode ?? -1,
    stdout: normaliseOutput(String(run.stdout)),
    stderr: normaliseStderr(String(run.stderr)),
    files: Object.fromEntries(
      await Promise.all(
        (c.files ?? []).map(
          async (f) => [f, await readFile(join(dir, f)).catch(() => undefined)] as const,
        ),
      ),
    ),
    received: received.map(normaliseRequest),
  })
  return {
    curl: await side(curlRun, curlDir, all.slice(0, curlReceived)),
    mom: await side(momRun as unknown as typeof curlRun, momDir, all.slice(curlReceived)),
  }
}

function normaliseOutput(text: string): string {
  return text.replace(/T=\d+\.\d{6}/g, 'T=<time>')
}

// The meter's speed columns depend on timing; everything else in it must match.
const METER_LINE =
  /(\r[ \d]{3} [ \d.kMG]{5} {2}[ \d]{3} [ \d.kMG]{5} {2}[ \d]{3} [ \d.kMG]{5} {2})[ \d.kMG]{5} {2}[ \d.kMG]{5}( [-\d: ]{8} [-\d: ]{8} [-\d: ]{8} )[ \d.kMG]{5}/g

function normaliseStderr(text: string): string {
  return (
    text
      .replace(METER_LINE, '$1<dl>  <ul>$2<now>')
      // A slow machine redraws the same line more often; one drawing of it is what matters.
      .replace(/(\r[^\r\n]*)\1+/g, '$1')
      .replace(/^curl: /gm, 'mom: ')
      .replace(/after \d+ ms/g, 'after <n> ms')
      .replace(/after \d+ milliseconds/g, 'after <n> milliseconds')
      .replace(/Bearer test-token/g, 'Bearer <redacted>')
      .replace(/User-Agent: (curl\/7\.88\.1|mom\/[\d.]+)/g, 'User-Agent: <agent>')
      .replace(
        /^> Accept-Encoding: deflate, gzip, br, zstd/gm,
        '> Accept-Encoding: deflate, gzip, br',
      )
      .replace(/Found bundle for host: 0x[0-9a-f]+/g, 'Found bundle for host: 0x0')
  )
}

interface NormalRequest {
  method: string
  url: string
  headers: [string, string][]
  contentLength?: string
  body: string
}

// undici adds `connection: keep-alive` and always writes content-length last (and sends a
// zero one for an empty POST, PUT or PATCH); the user agent
// names the program; --compressed cannot offer zstd on Node 20; the multipart boundary is random.
function normaliseRequest(r: ReceivedRequest): NormalRequest {
  const boundary = /boundary=(-+[0-9a-f]+)/.exec(
    r.headers.find(([n]) => n === 'content-type')?.[1] ?? '',
  )?.[1]
  const fix = (text: string) => (boundary ? text.split(boundary).join('<boundary>') : text)
  const headers = r.headers
    .filter(([name]) => name !== 'connection' && name !== 'content-length')
    .map(([name, value]): [string, string] => {
      if (name === 'user-agent' && /^(curl\/7\.88\.1|mom\/[\d.]+)$/.test(value))
        return [name, '<agent>']
      if (name === 'accept-encoding') return [name, value.replace(', zstd', '')]
      return [name, fix(value)]
    })
  // undici sends `content-length: 0` for a POST, PUT or PATCH without a body; curl sends none.
  const length = r.headers.find(([n]) => n === 'content-length')?.[1]
  const contentLength = length === '0' && r.body.length === 0 ? undefined : length
  return {
    method: r.method,
    url: r.url,
    headers,
    ...(contentLength ? { contentLength } : {}),
    body: fix(r.body.toString('latin1')),
  }
}

async function findClosedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
