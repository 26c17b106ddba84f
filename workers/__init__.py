"""arq workers: ``arq workers.settings.WorkerSettings``. Jobs are thin: load ids, call
the domain, log."""
