#!/usr/bin/env Rscript
# Optional reference: R's forecast::ets (Debian r-cran-forecast, not installed by scripts/setup.sh;
# add it with SEGCAST_SETUP_EXTRA=r-cran-forecast) with its defaults on the tourism monthly series,
# forecasting 24 months from several origins: the test origin (cut 0: the training part) and the
# validation folds (cut C: the training part minus its last C months, scoring the 24 months after).
# ETS's intervals were never calibrated on these data, so comparing its coverage across origins
# shows how much of a coverage change between origins comes from the period itself.
#
#   Rscript scripts/reference/ets_periods.R [TOURISM.csv.gz] [OUT.csv] [CUTS, e.g. 0,24,36,48,60]
#
# OUT.csv: cut, series, h, actual, mean, lower, upper (80% interval).
suppressPackageStartupMessages({ library(forecast); library(parallel) })
args <- commandArgs(trailingOnly = TRUE)
path <- if (length(args) >= 1) args[1] else "../shared/data/tourism_monthly.csv.gz"
out <- if (length(args) >= 2) args[2] else "build/ets-periods.csv"
cuts <- if (length(args) >= 3) as.integer(strsplit(args[3], ",")[[1]]) else c(0L, 24L, 36L, 48L, 60L)
dir.create(dirname(out), showWarnings = FALSE, recursive = TRUE)

data <- read.csv(gzfile(path), stringsAsFactors = FALSE)
horizon <- 24L
jobs <- expand.grid(row = seq_len(nrow(data)), cut = cuts)

forecast_one <- function(job) {
  record <- data[jobs$row[job], ]
  cut <- jobs$cut[job]
  values <- as.numeric(record[paste0("v", seq_len(record$n))])
  fitted_length <- record$n - record$horizon - cut
  history <- ts(values[seq_len(fitted_length)], frequency = 12,
                start = c(record$start_year, record$start_month))
  result <- forecast(ets(history), h = horizon, level = 80)
  data.frame(cut = cut, series = record$series_id, h = seq_len(horizon),
             actual = values[fitted_length + seq_len(horizon)],
             mean = as.numeric(result$mean), lower = as.numeric(result$lower),
             upper = as.numeric(result$upper))
}

# mclapply forks, so each job's result does not depend on the number of cores.
rows <- mclapply(seq_len(nrow(jobs)), forecast_one, mc.cores = max(1L, detectCores()))
failed <- vapply(rows, inherits, logical(1), "try-error")
if (any(failed)) stop(sprintf("%d ETS fits failed, first: %s", sum(failed), rows[[which(failed)[1]]]))
write.csv(do.call(rbind, rows), out, row.names = FALSE)
cat(sprintf("wrote %d forecasts (%d series x %d origins) to %s\n", nrow(jobs), nrow(data),
            length(cuts), out), file = stderr())
