vcl 4.1;
# Folio's shared HTTP cache (what a CDN would be): public answers are kept until Folio's
# worker purges a surrogate key they name (PURGE with xkey-purge: keys, from FOLIO_PURGE_URLS),
# or a day at most. Answers with a key (Authorization) are never cached (built-in VCL).

import std;
import xkey;

# ${...} are filled in before varnishd reads the file (`python -m fleet`, docker-compose.yml).
backend balancer {
    .host = "${FLEET_BALANCER_HOST}";
    .port = "${FLEET_BALANCER_PORT}";
}

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    # Each request its own id (the client's, or Varnish's transaction id), passed to Folio on
    # a miss and echoed on every answer, hits included.
    if (!req.http.X-Request-ID) {
        set req.http.X-Request-ID = "varnish-" + req.xid;
    }
    if (req.url ~ "^/(v1|studio)/changes/stream") {
        return (pass);  # a live stream: never cached, never made to wait for another client's
    }
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.xkey-purge == "*") {
            ban("obj.status != 0");  # every object: changes the log no longer holds
            return (synth(200, "Purged all"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone));
    }
}

sub vcl_backend_response {
    # The keys an answer depends on, for xkey.purge (space separated, as Folio sends them).
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    if (beresp.http.Cache-Control ~ "public" && beresp.status < 500) {
        set beresp.ttl = 1d;  # until purged; browsers still get Folio's own max-age
        set beresp.grace = 0s;
    }
}

sub vcl_deliver {
    set resp.http.X-Request-ID = req.http.X-Request-ID;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.xkey;
}
