// The clerk's task list reloads itself every 5 seconds: a new task appears without pressing anything.
setTimeout(function () { window.location.reload(); }, 5000);
