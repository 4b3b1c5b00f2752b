variable "rotation" {
  description = "Rotation generation of both tokens' secrets. Change it (for example 1 to 2) to rotate them in place on the next apply."
  type        = string
  default     = "1"
}

variable "reader_team_id" {
  description = "ID of the SignalFx team allowed to read the CI token (besides the org admins)."
  type        = string
}
