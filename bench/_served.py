"""The app gunicorn serves for bench/throughput.py (`gunicorn -c gunicorn.conf.py bench._served:app`):
Grantpath as shipped plus the benchmarks' baseline route, so both go through the same server, workers
and threads in the same run."""

from bench._baseline import add_one_row_route
from webapp import create_app

app = create_app()
add_one_row_route(app)
