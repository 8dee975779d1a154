#!/usr/bin/env Rscript
# Optional reference: R's prophet (Debian r-cran-prophet, not installed by scripts/setup.sh; add
# it with SEGCAST_SETUP_EXTRA=r-cran-prophet) on the tourism monthly training parts, h = 24, with
# Prophet's defaults, written in segcast's forecast.csv layout so scripts/score_tourism.py scores
# both the same way; parameters (k, m, sigma, rate changes) go to prophet_parameters.csv and the
# fit + predict time of each series to prophet_timing.csv.
#
#   Rscript scripts/reference/prophet_compare.R [TOURISM.csv.gz] [OUT_DIR] [MAX_SERIES]
suppressPackageStartupMessages(library(prophet))
args <- commandArgs(trailingOnly = TRUE)
path <- if (length(args) >= 1) args[1] else "../shared/data/tourism_monthly.csv.gz"
out <- if (length(args) >= 2) args[2] else "build/prophet-reference"
max_series <- if (length(args) >= 3) as.integer(args[3]) else .Machine$integer.max
dir.create(out, showWarnings = FALSE, recursive = TRUE)

data <- read.csv(gzfile(path), stringsAsFactors = FALSE)
rows <- list(); parameters <- list(); timing <- list()
for (i in seq_len(min(nrow(data), max_series))) {
  record <- data[i, ]
  n <- record$n; h <- record$horizon
  values <- as.numeric(record[paste0("v", seq_len(n))])
  train <- values[seq_len(n - h)]
  start <- as.Date(sprintf("%04d-%02d-01", record$start_year, record$start_month))
  ds <- seq(start, by = "month", length.out = n)
  history <- data.frame(ds = ds[seq_len(n - h)], y = train)
  began <- Sys.time()
  model <- suppressMessages(prophet(history))
  future <- make_future_dataframe(model, periods = h, freq = "month")
  forecast <- predict(model, future)
  elapsed <- as.numeric(difftime(Sys.time(), began, units = "secs"))
  ahead <- tail(forecast, h)
  rows[[i]] <- data.frame(series = record$series_id, month = format(as.Date(ahead$ds), "%Y-%m"),
                          yhat = ahead$yhat, yhat_lower = ahead$yhat_lower,
                          yhat_upper = ahead$yhat_upper, trend = ahead$trend,
                          seasonal = ahead$yhat - ahead$trend, is_history = 0,
                          actual = values[(n - h + 1):n])
  p <- model$params
  parameters[[i]] <- data.frame(series = record$series_id, k = p$k[1], m = p$m[1],
                                sigma_obs = p$sigma_obs[1], changepoints = length(p$delta),
                                sum_abs_delta = sum(abs(p$delta)), y_scale = model$y.scale)
  timing[[i]] <- data.frame(series = record$series_id, seconds = elapsed)
}
write.csv(do.call(rbind, rows), file.path(out, "forecast.csv"), row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, parameters), file.path(out, "prophet_parameters.csv"), row.names = FALSE)
times <- do.call(rbind, timing)
write.csv(times, file.path(out, "prophet_timing.csv"), row.names = FALSE)
cat(sprintf("prophet %s: %d series, median %.3f s, p95 %.3f s per series -> %s\n",
            as.character(packageVersion("prophet")), nrow(times), median(times$seconds),
            quantile(times$seconds, 0.95), out))
