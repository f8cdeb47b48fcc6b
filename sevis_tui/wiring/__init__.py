"""Which service and batch endpoint the app and the commands talk to: the configured one,
or the embedded demo. The one place that joins `api/` and `service/`."""
