// One load run, in its own process so it never shares an event loop with the server under test:
//   node drive.mjs URL CONNECTIONS SECONDS TOKEN
// Prints one JSON line: requests per second, latency p50 and p99 in milliseconds (from every
// response's own time, at microsecond precision, not autocannon's whole-millisecond histogram),
// and how many answers were not 200 or failed.
import autocannon from 'autocannon'

const [url, connections, seconds, token] = process.argv.slice(2)
const times = []
let bad = 0

const instance = autocannon(
  {
    url,
    connections: Number(connections),
    duration: Number(seconds),
    headers: { authorization: `Bearer ${token}` },
  },
  (error, result) => {
    if (error) throw error
    times.sort((a, b) => a - b)
    const at = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? NaN
    console.log(
      JSON.stringify({
        rps: times.length / result.duration,
        p50: at(0.5),
        p99: at(0.99),
        requests: times.length,
        bad: bad + result.errors + result.timeouts,
      }),
    )
  },
)
instance.on('response', (_client, statusCode, _bytes, responseTime) => {
  if (statusCode === 200) times.push(responseTime)
  else bad++
})
