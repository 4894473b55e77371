import { CopyButton } from './copy-button';

// A short version of docs/partners.md, kept in the web build so the page never reads files at runtime.
const CATALOG = `query Sync($after: String) {
  catalog(territory: "US", first: 50, after: $after) {
    nodes {
      id title synopsis genres coverImageUrl
      episodes(first: 20) {
        nodes { id number title durationSeconds price { free coins currency amount } }
        pageInfo { hasNextPage endCursor }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

const CHANGES = `query Changes($after: String) {
  changes(after: $after, first: 100) {
    nodes {
      id type territory occurredAt episode series episodeNumber
      price { free coins currency amount } previousPrice { free coins currency amount }
      reasons { code message }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

const PLAYBACK = `query { playback(episodeId: "<catalog episode id>", territory: "US") { url posterUrl expiresAt } }`;

const VERIFY = `import { Webhook } from 'standardwebhooks';

// rawBody: the request body exactly as received (before JSON parsing).
const event = new Webhook(process.env.GREENLIGHT_WEBHOOK_SECRET).verify(rawBody, request.headers);`;

function Example({ code, label }: { code: string; label: string }) {
  return (
    <div className="code-block">
      <pre>
        <code>{code}</code>
      </pre>
      <CopyButton text={code} label={label} />
    </div>
  );
}

/** The partner guide in brief: reading the catalog, following changes, playback and webhooks. */
export function PartnerGuide() {
  return (
    <section className="panel guide" aria-labelledby="guide-heading">
      <h2 id="guide-heading">Partner guide</h2>
      <p>
        You read what is <strong>live for you</strong>: episodes a reviewer approved for your territory, licensed there now, priced there,
        and released to you by the studio. Every question names one of your territories; prices are resolved for it at the moment you ask
        (<code>amount</code> is a decimal string in the currency&apos;s precision, <code>amountMinor</code> the same in minor units).
      </p>

      <h3>Read the catalog</h3>
      <p>
        Connections are Relay-style: pass <code>pageInfo.endCursor</code> as <code>after</code> for the next page (<code>first</code> at most 100).
      </p>
      <Example code={CATALOG} label="Copy catalog query" />

      <h3>Follow changes</h3>
      <p>
        <code>changes</code> is an ordered feed per territory: <code>PUBLISHED</code>, <code>UPDATED</code>, <code>PRICE_CHANGED</code>,{' '}
        <code>TAKEN_DOWN</code> and <code>EXPIRED</code>, each naming its <code>episode</code> and <code>series</code> (the ids <code>node</code> accepts), the
        episode number, the new <code>price</code> and, for withdrawals, every reason. Keep the last <code>endCursor</code> and resume from it. A first sync reads{' '}
        <code>catalog</code>, then follows <code>changes</code> from the cursor it got at the start.
      </p>
      <Example code={CHANGES} label="Copy changes query" />

      <h3>Play an episode</h3>
      <p>
        The URL is signed for your account, the episode and the territory, and expires (one hour by default). It supports range requests.
        Ask again for a fresh URL rather than storing one.
      </p>
      <Example code={PLAYBACK} label="Copy playback query" />

      <h3>Verify webhooks</h3>
      <p>
        Requests are signed per Standard Webhooks with the endpoint&apos;s secret: headers <code>webhook-id</code> (stable across retries; use it to
        deduplicate), <code>webhook-timestamp</code> and <code>webhook-signature</code>. Answer any <code>2xx</code> within 10 seconds; anything else
        is retried with backoff for about a day, after which the endpoint is disabled.
      </p>
      <Example code={VERIFY} label="Copy verification example" />

      <h3>Limits and errors</h3>
      <p className="small">
        Each key may make a set number of requests per minute (600 unless your account has its own); beyond it the API answers HTTP 429 with{' '}
        <code>Retry-After</code> and the code <code>RATE_LIMITED</code>; a moment without its database, HTTP 503 with <code>Retry-After</code> and{' '}
        <code>SERVICE_UNAVAILABLE</code>: send the request again then. Every error carries <code>extensions.code</code>; quote{' '}
        <code>extensions.requestId</code> when reporting an <code>INTERNAL_SERVER_ERROR</code>.
      </p>
    </section>
  );
}
