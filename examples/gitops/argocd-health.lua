-- Argo CD health check for securemail.io/SecureMailDomain.
-- Progressing until the operator has observed the latest spec (status.observedGeneration);
-- Degraded while the domain waits for a person (Stalled=True: an invalid spec, a rejected TSIG key,
-- a missing issuer, ...); Healthy once Ready=True; otherwise Progressing, with Ready's reason.
local hs = { status = "Progressing", message = "Waiting for the operator to reconcile the domain" }
if obj.status == nil or obj.status.conditions == nil then
  return hs
end
if obj.metadata.generation ~= nil and obj.status.observedGeneration ~= obj.metadata.generation then
  hs.message = "Waiting for the operator to observe generation " .. tostring(obj.metadata.generation)
  return hs
end
local ready = nil
local stalled = nil
for _, condition in ipairs(obj.status.conditions) do
  if condition.type == "Ready" then
    ready = condition
  elseif condition.type == "Stalled" then
    stalled = condition
  end
end
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = (stalled.reason or "Stalled") .. ": " .. (stalled.message or "")
  return hs
end
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message or "Ready"
  return hs
end
if ready ~= nil then
  hs.message = (ready.reason or "Progressing") .. ": " .. (ready.message or "")
end
return hs
