"""What the GPU backends share: how models run (device, precision, memory options), and the
manager that loads each model once per worker process and frees it at exit.

Nothing here imports torch at module level: an offline machine without torch imports this
package only through the GPU backends, which the settings never pick there.
"""
