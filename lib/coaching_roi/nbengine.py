"""The papermill engine the runner executes notebooks with: papermill's own (nbclient), saving the executed
notebook less often.

papermill writes the whole executed notebook to disk when each cell starts and again when it ends, while
the notebook waits: 41–59 writes per notebook of this workbook, 0.1–0.4 s per notebook on the demo and
up to 1.25 s for notebook 04's 6 MB notebook at 2,000 AEs. The runner does not read the file while the
notebook runs (it learns of written artifacts from nbclient's cell hook), so :class:`SparseSaves` writes it
at most every :data:`SAVE_EVERY_S` seconds while cells run, and always when the notebook ends, whether it
succeeded, failed in a cell, timed out or lost its kernel: the saved notebook is the same file as before.
papermill's own saves while a long cell prints (``autosave_cell_every``) are unchanged.
"""

from __future__ import annotations

from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

ENGINE_NAME = "coaching_roi"
SAVE_EVERY_S = 10.0
"""While cells run, the executed notebook on disk is at most this many seconds behind (someone following a
long run in the file still sees it move)."""


class SparseSaves(NotebookExecutionManager):
    """papermill's execution manager, writing the notebook at most every :data:`SAVE_EVERY_S` seconds until it
    ends, then once more in any case."""

    _ended = False

    def save(self, **kwargs) -> None:
        if self._ended or (self.now() - self.last_save_time).total_seconds() >= SAVE_EVERY_S:
            super().save(**kwargs)

    def notebook_complete(self, **kwargs) -> None:
        self._ended = True  # papermill's final save, also after an error (the engine calls this in `finally`)
        super().notebook_complete(**kwargs)


class SparseSavesEngine(NBClientEngine):
    """papermill's nbclient engine with :class:`SparseSaves` (papermill's ``Engine.execute_notebook``, with
    that manager class)."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                         autosave_cell_every=30, **kwargs):
        nb_man = SparseSaves(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                             autosave_cell_every=autosave_cell_every)
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb


papermill_engines.register(ENGINE_NAME, SparseSavesEngine)
