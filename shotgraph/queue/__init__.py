"""The queue: arq on Redis, our job records, progress streams, and the worker that runs jobs.

Front ends use `JobQueue` (submit, status, position, cancel, list) and `watch` (progress
events); `shotgraph worker` runs `worker.WorkerSettings`.
"""
